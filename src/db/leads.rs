//! Storing a lead: contact, lead and its `created` event in one transaction.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::assignment::{AssignedOwner, assign_new_lead};
use super::outbox::{NewMail, insert_mails};
use super::schema::{contacts, lead_events, leads};
use super::{DbConnection, write_transaction};
use crate::domain::attribution::Attribution;
use crate::domain::lead_request::LeadRequest;
use crate::domain::lead_status::LeadStatus;
use crate::domain::scoring::Score;

/// Everything stored with a lead beyond what the buyer typed.
pub struct LeadRecord<'a> {
    pub request: &'a LeadRequest,
    pub report_id: i64,
    pub status: LeadStatus,
    pub spam_reason: Option<String>,
    pub score: &'a Score,
    pub attribution: &'a Attribution,
    pub form_token_hash: &'a str,
    pub consent_text_version: &'a str,
    pub now: i64,
    /// The mails announcing the lead, given its id; written in the same
    /// transaction, so a stored lead always has its notifications queued.
    pub mails: Option<&'a MailsForLead<'a>>,
}

/// The mails for a lead, given its id and owner.
pub type MailsForLead<'a> =
    dyn Fn(i64, Option<&AssignedOwner>) -> anyhow::Result<Vec<NewMail>> + 'a;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    Stored {
        lead_id: i64,
    },
    /// The same form was submitted before: nothing new was written.
    AlreadyStored {
        lead_id: i64,
    },
}

impl StoreOutcome {
    pub fn lead_id(&self) -> i64 {
        match self {
            Self::Stored { lead_id } | Self::AlreadyStored { lead_id } => *lead_id,
        }
    }
}

/// Stores the lead durably (the transaction commits before this returns).
pub fn store_lead(
    conn: &mut DbConnection,
    record: &LeadRecord<'_>,
) -> anyhow::Result<StoreOutcome> {
    match write_transaction(conn, |conn| insert_lead(conn, record)) {
        // Two submissions raced past the existence checks (possible on
        // PostgreSQL): the same form (then this one is a replay) or the same new
        // contact (then a second try finds the contact).
        Err(error) if is_unique_violation(&error) => {
            match lead_by_token(conn, record.form_token_hash)? {
                Some(lead_id) => Ok(StoreOutcome::AlreadyStored { lead_id }),
                None => write_transaction(conn, |conn| insert_lead(conn, record)),
            }
        }
        other => other,
    }
}

fn is_unique_violation(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<DieselError>(),
        Some(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

fn lead_by_token(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<i64>> {
    leads::table
        .filter(leads::form_token_hash.eq(hash))
        .select(leads::id)
        .first(conn)
        .optional()
}

fn insert_lead(conn: &mut DbConnection, record: &LeadRecord<'_>) -> anyhow::Result<StoreOutcome> {
    if let Some(lead_id) = lead_by_token(conn, record.form_token_hash)? {
        return Ok(StoreOutcome::AlreadyStored { lead_id });
    }
    let contact_id = upsert_contact(conn, record)?;
    let request = record.request;
    let a = record.attribution;
    diesel::insert_into(leads::table)
        .values((
            leads::contact_id.eq(contact_id),
            leads::report_id.eq(record.report_id),
            leads::kind.eq(request.kind.as_db()),
            leads::status.eq(record.status.as_db()),
            leads::message.eq(&request.message),
            leads::licence.eq(request.licence.map(|l| l.as_db())),
            leads::budget.eq(&request.budget),
            leads::score.eq(record.score.value),
            leads::spam_reason.eq(&record.spam_reason),
            leads::consent_text_version.eq(record.consent_text_version),
            leads::consent_at.eq(record.now),
            leads::marketing_opt_in.eq(request.marketing_opt_in),
            leads::utm_source.eq(&a.utm_source),
            leads::utm_medium.eq(&a.utm_medium),
            leads::utm_campaign.eq(&a.utm_campaign),
            leads::referrer.eq(&a.referrer),
            leads::landing_path.eq(&a.landing_path),
            leads::form_token_hash.eq(record.form_token_hash),
            leads::created_at.eq(record.now),
            leads::updated_at.eq(record.now),
        ))
        .execute(conn)?;
    let lead_id = lead_by_token(conn, record.form_token_hash)?.ok_or(DieselError::NotFound)?;
    let detail = serde_json::json!({
        "score": record.score.value,
        "reasons": record.score.reasons,
        "spam_reason": record.spam_reason,
    });
    diesel::insert_into(lead_events::table)
        .values((
            lead_events::lead_id.eq(lead_id),
            lead_events::kind.eq("created"),
            lead_events::detail.eq(detail.to_string()),
            lead_events::created_at.eq(record.now),
        ))
        .execute(conn)?;
    // Spam gets no owner and no mail; a person may release it later.
    if record.status != LeadStatus::Spam {
        let owner = assign_new_lead(conn, lead_id, record.request.country.code(), record.now)?;
        if let Some(mails_for) = record.mails {
            insert_mails(conn, &mails_for(lead_id, owner.as_ref())?, record.now)?;
        }
    }
    Ok(StoreOutcome::Stored { lead_id })
}

/// One contact per normalised email. A real request refreshes the contact's
/// details (latest wins); a spam submission never overwrites a real person's data.
fn upsert_contact(conn: &mut DbConnection, record: &LeadRecord<'_>) -> QueryResult<i64> {
    let request = record.request;
    let email = request.email.normalized();
    let existing: Option<i64> = contacts::table
        .filter(contacts::email_normalized.eq(&email))
        .select(contacts::id)
        .first(conn)
        .optional()?;
    let details = (
        contacts::name.eq(&request.name),
        contacts::company.eq(&request.company),
        contacts::phone.eq(request.phone.as_ref().map(|p| p.as_str())),
        contacts::country.eq(request.country.code()),
        contacts::job_title.eq(&request.job_title),
        contacts::email_domain.eq(request.email.domain()),
        contacts::updated_at.eq(record.now),
    );
    match existing {
        Some(id) => {
            if record.status != LeadStatus::Spam {
                diesel::update(contacts::table.find(id))
                    .set((details, contacts::erased_at.eq(None::<i64>)))
                    .execute(conn)?;
            }
            Ok(id)
        }
        None => {
            diesel::insert_into(contacts::table)
                .values((
                    details,
                    contacts::email_normalized.eq(&email),
                    contacts::created_at.eq(record.now),
                ))
                .execute(conn)?;
            contacts::table
                .filter(contacts::email_normalized.eq(&email))
                .select(contacts::id)
                .first(conn)
        }
    }
}
