//! `leads`: the one read shape (`Lead`), the insert, and the changes a
//! workflow makes. The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::leads;
use crate::domain::attribution::Attribution;
use crate::domain::lead_event::ERASED;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_request::LeadRequest;
use crate::domain::lead_status::LeadStatus;
use crate::domain::licence::Licence;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct Lead {
    pub id: i64,
    pub contact_id: i64,
    pub report_id: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub message: Option<String>,
    pub licence: Option<Licence>,
    pub budget: Option<String>,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub assignee_id: Option<i64>,
    pub consent_text_version: String,
    pub consent_at: i64,
    pub marketing_opt_in: bool,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    /// The buyer wrote at this time and nobody has answered since.
    pub buyer_replied_at: Option<i64>,
    /// What the buyer typed with this request (`None` for leads stored before
    /// these were kept: the contact's details stand in).
    #[diesel(embed)]
    pub submitted: Submitted,
}

/// The buyer's details as sent with one request.
#[derive(Debug, Clone, Default, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct Submitted {
    pub name: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
}

/// A buyer's details, borrowed from a lead or a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Details<'a> {
    pub name: &'a str,
    pub company: &'a str,
    pub job_title: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub country: &'a str,
}

impl<'a> Details<'a> {
    /// Details from columns as stored (the optional ones may be NULL).
    pub fn from_columns(
        name: &'a str,
        company: &'a str,
        job_title: &'a Option<String>,
        phone: &'a Option<String>,
        country: &'a str,
    ) -> Self {
        Self {
            name,
            company,
            job_title: job_title.as_deref(),
            phone: phone.as_deref(),
            country,
        }
    }
}

impl Submitted {
    /// What was sent with the lead; for a lead stored before details were
    /// kept per lead, the contact's.
    pub fn or<'a>(&'a self, contact: Details<'a>) -> Details<'a> {
        match &self.name {
            Some(name) => Details {
                name,
                company: self.company.as_deref().unwrap_or_default(),
                job_title: self.job_title.as_deref(),
                phone: self.phone.as_deref(),
                country: self.country.as_deref().unwrap_or_default(),
            },
            None => contact,
        }
    }
}

impl Lead {
    pub fn attribution(&self) -> Attribution {
        Attribution {
            utm_source: self.utm_source.clone(),
            utm_medium: self.utm_medium.clone(),
            utm_campaign: self.utm_campaign.clone(),
            referrer: self.referrer.clone(),
            landing_path: self.landing_path.clone(),
        }
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        leads::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// A contact's leads, oldest first.
    pub fn of_contact(conn: &mut DbConnection, contact_id: i64) -> QueryResult<Vec<Self>> {
        leads::table
            .filter(leads::contact_id.eq(contact_id))
            .order(leads::id)
            .select(Self::as_select())
            .load(conn)
    }

    /// The lead a form token made, if one did.
    pub fn id_by_token(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<i64>> {
        leads::table
            .filter(leads::form_token_hash.eq(hash))
            .select(leads::id)
            .first(conn)
            .optional()
    }

    /// Moves the lead to `status`. The response clock does not stop here: a
    /// status says where the deal stands, not that anyone reached the buyer.
    pub fn set_status(
        &self,
        conn: &mut DbConnection,
        status: LeadStatus,
        now: i64,
    ) -> QueryResult<()> {
        diesel::update(leads::table.find(self.id))
            .set((leads::status.eq(status), leads::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    }

    /// Staff judged the lead to be spam: held like a submission the spam
    /// rules caught, with `reason` saying so.
    pub fn hold_as_spam(&self, conn: &mut DbConnection, reason: &str, now: i64) -> QueryResult<()> {
        diesel::update(leads::table.find(self.id))
            .set((
                leads::status.eq(LeadStatus::Spam),
                leads::spam_reason.eq(reason),
                leads::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Staff reached the buyer (a desk mail the relay accepted, or a logged
    /// call): the first time stops the response clock, and the buyer's last
    /// reply counts as answered. Answers, when this was the first response,
    /// how long after the lead came in it was.
    pub fn record_contact(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<Option<i64>> {
        let first = leads::table
            .find(id)
            .filter(leads::first_response_at.is_null())
            .select(leads::created_at)
            .first::<i64>(conn)
            .optional()?;
        if first.is_some() {
            diesel::update(leads::table.find(id))
                .filter(leads::first_response_at.is_null())
                .set((leads::first_response_at.eq(now), leads::updated_at.eq(now)))
                .execute(conn)?;
        }
        Self::set_buyer_waiting(conn, id, None, now)?;
        Ok(first.map(|created_at| now - created_at))
    }

    /// `Some(at)`: the buyer wrote at `at` and waits for an answer; `None`:
    /// staff have answered. Either is a change to the lead as of `now`
    /// (`updated_at`, which API clients compare to see what changed).
    pub fn set_buyer_waiting(
        conn: &mut DbConnection,
        id: i64,
        since: Option<i64>,
        now: i64,
    ) -> QueryResult<()> {
        diesel::update(leads::table.find(id))
            .set((leads::buyer_replied_at.eq(since), leads::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_owner(
        conn: &mut DbConnection,
        id: i64,
        owner: Option<i64>,
        now: i64,
    ) -> QueryResult<()> {
        diesel::update(leads::table.find(id))
            .set((leads::assignee_id.eq(owner), leads::updated_at.eq(now)))
            .execute(conn)?;
        Ok(())
    }

    /// Replaces the buyer's words and traces in the contact's leads.
    pub fn erase_personal(conn: &mut DbConnection, ids: &[i64], now: i64) -> QueryResult<()> {
        diesel::update(
            leads::table
                .filter(leads::id.eq_any(ids))
                .filter(leads::message.is_not_null()),
        )
        .set(leads::message.eq(ERASED))
        .execute(conn)?;
        diesel::update(leads::table.filter(leads::id.eq_any(ids)))
            .set((
                leads::budget.eq(None::<String>),
                leads::referrer.eq(None::<String>),
                leads::landing_path.eq(None::<String>),
                leads::updated_at.eq(now),
                leads::job_title.eq(None::<String>),
                leads::phone.eq(None::<String>),
            ))
            .execute(conn)?;
        // Name and company are kept as a marker (a lead had them), as on the
        // contact; columns never filled stay empty.
        let of_contact = || leads::table.filter(leads::id.eq_any(ids));
        diesel::update(of_contact().filter(leads::name.is_not_null()))
            .set(leads::name.eq(ERASED))
            .execute(conn)?;
        diesel::update(of_contact().filter(leads::company.is_not_null()))
            .set(leads::company.eq(ERASED))
            .execute(conn)?;
        Ok(())
    }

    /// Spam older than `cutoff`: (lead, contact).
    pub fn spam_before(conn: &mut DbConnection, cutoff: i64) -> QueryResult<Vec<(i64, i64)>> {
        leads::table
            .filter(leads::status.eq(LeadStatus::Spam))
            .filter(leads::created_at.lt(cutoff))
            .select((leads::id, leads::contact_id))
            .load(conn)
    }

    pub fn delete(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<usize> {
        diesel::delete(leads::table.filter(leads::id.eq_any(ids))).execute(conn)
    }

    /// A contact's real (not spam) leads created since `since`.
    pub fn real_of_contact_since(
        conn: &mut DbConnection,
        contact_id: i64,
        since: i64,
    ) -> QueryResult<i64> {
        leads::table
            .filter(leads::contact_id.eq(contact_id))
            .filter(leads::status.ne(LeadStatus::Spam))
            .filter(leads::created_at.ge(since))
            .count()
            .get_result(conn)
    }

    pub fn count_of_contact(conn: &mut DbConnection, contact_id: i64) -> QueryResult<i64> {
        leads::table
            .filter(leads::contact_id.eq(contact_id))
            .count()
            .get_result(conn)
    }
}

/// A lead as a buyer's request makes it.
pub struct NewLead<'a> {
    pub request: &'a LeadRequest,
    pub contact_id: i64,
    pub report_id: i64,
    pub status: LeadStatus,
    pub spam_reason: Option<&'a str>,
    pub score: i32,
    pub attribution: &'a Attribution,
    pub form_token_hash: &'a str,
    pub consent_text_version: &'a str,
    pub now: i64,
}

impl NewLead<'_> {
    /// Inserts the lead and answers its id.
    pub fn insert(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        let request = self.request;
        let a = self.attribution;
        diesel::insert_into(leads::table)
            .values((
                leads::contact_id.eq(self.contact_id),
                leads::report_id.eq(self.report_id),
                leads::kind.eq(request.kind),
                leads::status.eq(self.status),
                leads::message.eq(&request.message),
                leads::licence.eq(request.licence),
                leads::budget.eq(&request.budget),
                leads::score.eq(self.score),
                leads::spam_reason.eq(self.spam_reason),
                leads::consent_text_version.eq(self.consent_text_version),
                leads::consent_at.eq(self.now),
                leads::marketing_opt_in.eq(request.marketing_opt_in),
                leads::utm_source.eq(&a.utm_source),
                leads::utm_medium.eq(&a.utm_medium),
                leads::utm_campaign.eq(&a.utm_campaign),
                leads::referrer.eq(&a.referrer),
                leads::landing_path.eq(&a.landing_path),
                leads::form_token_hash.eq(self.form_token_hash),
                leads::created_at.eq(self.now),
                leads::updated_at.eq(self.now),
                (
                    leads::name.eq(&request.name),
                    leads::company.eq(&request.company),
                    leads::job_title.eq(&request.job_title),
                    leads::phone.eq(request.phone.as_ref().map(|p| p.as_str())),
                    leads::country.eq(request.country.code()),
                ),
            ))
            .execute(conn)?;
        Lead::id_by_token(conn, self.form_token_hash)?.ok_or(diesel::result::Error::NotFound)
    }
}

/// A lead written in bulk (the load generator's history): no event or mail,
/// as leads imported from elsewhere would come.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = leads)]
// NULL for `None`: SQLite takes no DEFAULT in a multi-row insert.
#[diesel(treat_none_as_default_value = false)]
pub struct BulkLead {
    pub contact_id: i64,
    pub report_id: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub message: Option<String>,
    pub licence: Option<Licence>,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub consent_text_version: String,
    pub consent_at: i64,
    pub form_token_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub assignee_id: Option<i64>,
    pub buyer_replied_at: Option<i64>,
}

impl BulkLead {
    /// Inserts the rows in one statement, on the connection underneath (the
    /// multi-backend connection offers no multi-row insert).
    pub fn insert_all(conn: &mut DbConnection, rows: &[Self]) -> QueryResult<usize> {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(leads::table).values(rows).execute(c),
            DbConnection::Postgres(c) => diesel::insert_into(leads::table).values(rows).execute(c),
        }
    }
}
