//! Overdue leads: each sweep marks every lead that went past its first-response
//! target as escalated and queues one digest per owner and one to the sales
//! inbox, however many instances sweep at once.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::models::lead_event::record;
use crate::db::models::outbox::insert_mails;
use crate::db::queries::overdue::overdue_unescalated;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::{Clock, ClockedLead, ResponseTargets};
use crate::mail::compose::MailSetup;
use crate::mail::escalation_mail::escalation_digests;

/// Leads escalated per kind and sweep, at most: a fresh install with years of
/// history reports them in one digest, listed up to a point and counted after.
const SWEEP_LIMIT: i64 = 10_000;

/// Marks every overdue lead not yet escalated and queues the sweep's digests,
/// in one transaction; answers the leads escalated.
pub fn escalate_overdue(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
    setup: &MailSetup,
) -> anyhow::Result<Vec<i64>> {
    // Most sweeps find nothing: a read, so an idle instance never takes
    // SQLite's write lock every few seconds.
    if overdue_unescalated(conn, targets, now, 1)?.is_empty() {
        return Ok(Vec::new());
    }
    let swept = write_transaction(conn, |conn| -> anyhow::Result<Vec<i64>> {
        let mut overdue = Vec::new();
        for lead in overdue_unescalated(conn, targets, now, SWEEP_LIMIT)? {
            let waiting = ClockedLead {
                kind: lead.kind,
                status: LeadStatus::New,
                created_at: lead.created_at,
                first_contact_at: None,
            };
            if let Clock::Overdue(late) = Clock::of(waiting, targets, now) {
                overdue.push((lead, late));
            }
        }
        for (lead, late) in &overdue {
            let event = LeadEvent::Escalated {
                late_seconds: *late,
                owner: lead.owner_id,
            };
            record(conn, lead.id, None, &event, now)?;
        }
        insert_mails(conn, &escalation_digests(&overdue, setup)?, now)?;
        Ok(overdue.iter().map(|(lead, _)| lead.id).collect())
    });
    match swept {
        Ok(escalated) => Ok(escalated),
        // Another instance escalated some of these leads between our read and
        // our write: the unique index kept theirs and rolled ours back whole,
        // digests included; the next sweep picks up whatever is left.
        Err(error)
            if matches!(
                error.downcast_ref::<DieselError>(),
                Some(DieselError::DatabaseError(
                    DatabaseErrorKind::UniqueViolation,
                    _
                ))
            ) =>
        {
            Ok(Vec::new())
        }
        Err(error) => Err(error),
    }
}
