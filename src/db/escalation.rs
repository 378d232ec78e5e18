//! Overdue leads: one escalation mail per lead to its owner and the sales inbox.

use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::outbox::{NewMail, insert_mails};
use super::schema::{contacts, leads, outbox, reports, users};
use super::{DbConnection, write_transaction};
use crate::domain::lead_kind::LeadKind;
use crate::domain::response_clock::ResponseTargets;

/// What an escalation mail says about a lead.
#[derive(Debug, Clone, Queryable)]
pub struct OverdueLead {
    pub id: i64,
    pub kind: String,
    pub created_at: i64,
    pub name: String,
    pub company: String,
    pub report_title: String,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
}

/// New leads past their first-response target that have no escalation yet.
pub fn overdue_unescalated(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<OverdueLead>> {
    let mut found = Vec::new();
    for kind in LeadKind::ALL {
        let cutoff = now - targets.for_kind(kind);
        let rows: Vec<OverdueLead> = leads::table
            .inner_join(contacts::table)
            .inner_join(reports::table)
            .left_join(users::table)
            .filter(leads::status.eq("new"))
            .filter(leads::kind.eq(kind.as_db()))
            .filter(leads::created_at.lt(cutoff))
            .filter(not(exists(
                outbox::table
                    .filter(outbox::lead_id.eq(leads::id.nullable()))
                    .filter(outbox::kind.eq("escalation")),
            )))
            .order(leads::id)
            .limit(limit)
            .select((
                leads::id,
                leads::kind,
                leads::created_at,
                contacts::name,
                contacts::company,
                reports::title,
                users::name.nullable(),
                users::email.nullable(),
            ))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Queues the escalation mails of one lead, unless another worker already did.
pub fn escalate(
    conn: &mut DbConnection,
    lead_id: i64,
    mails: &[NewMail],
    now: i64,
) -> QueryResult<bool> {
    let outcome = write_transaction(conn, |conn| {
        let already: i64 = outbox::table
            .filter(outbox::lead_id.eq(lead_id))
            .filter(outbox::kind.eq("escalation"))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Ok(false);
        }
        insert_mails(conn, mails, now)?;
        Ok(true)
    });
    match outcome {
        // Another instance escalated between our check and insert; the unique
        // index kept theirs.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        other => other,
    }
}
