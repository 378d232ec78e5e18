//! `contacts`: one per normalised email. The only writer of the table.

use diesel::prelude::*;

use super::lead::Details;
use crate::db::DbConnection;
use crate::db::schema::{contacts, leads};
use crate::domain::lead_event::ERASED;
use crate::domain::lead_request::LeadRequest;
use crate::domain::lead_status::LeadStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct Contact {
    pub id: i64,
    pub email_normalized: String,
    pub name: String,
    pub company: String,
    pub phone: Option<String>,
    pub country: String,
    pub job_title: Option<String>,
    pub created_at: i64,
    pub erased_at: Option<i64>,
    pub email_domain: String,
    /// Mail to this address bounced; automatic mail waits for a new request.
    pub mail_bounced_at: Option<i64>,
}

impl Contact {
    pub fn details(&self) -> Details<'_> {
        let c = self;
        Details::from_columns(&c.name, &c.company, &c.job_title, &c.phone, &c.country)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        contacts::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    fn id_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<i64>> {
        contacts::table
            .filter(contacts::email_normalized.eq(email))
            .select(contacts::id)
            .first(conn)
            .optional()
    }

    /// The contact of a request's email. A real request refreshes the details
    /// (latest wins, and an erased contact comes back); `refresh: false`
    /// (spam) never overwrites a real person's data.
    pub fn upsert(
        conn: &mut DbConnection,
        request: &LeadRequest,
        refresh: bool,
        now: i64,
    ) -> QueryResult<i64> {
        let email = request.email.normalized();
        let details = (
            contacts::name.eq(&request.name),
            contacts::company.eq(&request.company),
            contacts::phone.eq(request.phone.as_ref().map(|p| p.as_str())),
            contacts::country.eq(request.country.code()),
            contacts::job_title.eq(&request.job_title),
            contacts::email_domain.eq(request.email.domain()),
            contacts::updated_at.eq(now),
        );
        match Self::id_by_email(conn, &email)? {
            Some(id) => {
                if refresh {
                    // A new request from the buyer also lifts a bounce's
                    // suppression: they have given the address again.
                    diesel::update(contacts::table.find(id))
                        .set((
                            details,
                            contacts::erased_at.eq(None::<i64>),
                            contacts::mail_bounced_at.eq(None::<i64>),
                        ))
                        .execute(conn)?;
                }
                Ok(id)
            }
            None => {
                diesel::insert_into(contacts::table)
                    .values((
                        details,
                        contacts::email_normalized.eq(&email),
                        contacts::created_at.eq(now),
                    ))
                    .execute(conn)?;
                Self::id_by_email(conn, &email)?.ok_or(diesel::result::Error::NotFound)
            }
        }
    }

    /// Mail to the contact's address came back undeliverable.
    pub fn mark_bounced(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<()> {
        diesel::update(contacts::table.find(id))
            .set(contacts::mail_bounced_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    /// Whether automatic mail to the lead's buyer is held back after a bounce.
    pub fn lead_bounced(conn: &mut DbConnection, lead_id: i64) -> QueryResult<bool> {
        let bounced: Option<Option<i64>> = leads::table
            .inner_join(contacts::table)
            .filter(leads::id.eq(lead_id))
            .select(contacts::mail_bounced_at)
            .first(conn)
            .optional()?;
        Ok(matches!(bounced, Some(Some(_))))
    }

    /// Replaces every personal value; `false` when the contact is unknown or
    /// was erased before.
    pub fn erase(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<bool> {
        let erased: Option<Option<i64>> = contacts::table
            .find(id)
            .select(contacts::erased_at)
            .first(conn)
            .optional()?;
        if erased != Some(None) {
            return Ok(false);
        }
        diesel::update(contacts::table.find(id))
            .set((
                contacts::email_normalized.eq(format!("erased-{id}@erased.invalid")),
                contacts::email_domain.eq(""),
                contacts::name.eq(ERASED),
                contacts::company.eq(ERASED),
                contacts::phone.eq(None::<String>),
                contacts::job_title.eq(None::<String>),
                contacts::erased_at.eq(now),
                contacts::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    }

    /// Contacts not yet erased whose leads are all `lost` or `spam` and all
    /// created before `cutoff`: what retention erases.
    pub fn long_finished(conn: &mut DbConnection, cutoff: i64) -> QueryResult<Vec<i64>> {
        let of_contact = || leads::table.filter(leads::contact_id.eq(contacts::id));
        contacts::table
            .filter(contacts::erased_at.is_null())
            .filter(diesel::dsl::exists(of_contact()))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                of_contact().filter(
                    leads::status
                        .ne_all([LeadStatus::Lost, LeadStatus::Spam])
                        .or(leads::created_at.ge(cutoff)),
                ),
            )))
            .select(contacts::id)
            .load(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
        diesel::delete(contacts::table.find(id)).execute(conn)
    }

    /// Other contacts (not erased) with a company's email domain.
    pub fn count_with_domain(conn: &mut DbConnection, domain: &str) -> QueryResult<i64> {
        contacts::table
            .filter(contacts::email_domain.eq(domain))
            .filter(contacts::erased_at.is_null())
            .count()
            .get_result(conn)
    }
}

/// A contact written in bulk (the load generator's history).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contacts)]
// NULL for `None`: SQLite takes no DEFAULT in a multi-row insert.
#[diesel(treat_none_as_default_value = false)]
pub struct BulkContact {
    pub email_normalized: String,
    pub email_domain: String,
    pub name: String,
    pub company: String,
    pub country: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl BulkContact {
    /// Inserts the rows in one statement, on the connection underneath (the
    /// multi-backend connection offers no multi-row insert); answers their
    /// ids, in their order.
    pub fn insert_all(conn: &mut DbConnection, rows: &[Self]) -> QueryResult<Vec<i64>> {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(contacts::table)
                .values(rows)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(contacts::table)
                .values(rows)
                .execute(c)?,
        };
        let emails: Vec<&str> = rows.iter().map(|r| r.email_normalized.as_str()).collect();
        contacts::table
            .filter(contacts::email_normalized.eq_any(emails))
            .order(contacts::id)
            .select(contacts::id)
            .load(conn)
    }
}
