//! Overdue leads: one escalation mail per lead, to its owner and the sales
//! inbox, however many instances sweep at once.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::models::outbox::{insert_mails, lead_has_mail};
use crate::db::queries::overdue::overdue_unescalated;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::MailKind;
use crate::domain::response_clock::{Clock, ResponseTargets};
use crate::format::format_time;
use crate::mail::compose::MailSetup;
use crate::mail::escalation_mail::escalation_mails;

/// Leads escalated per kind and sweep, at most.
const SWEEP_LIMIT: i64 = 100;

/// Queues the escalation of every overdue lead not yet escalated, each in its
/// own transaction; answers the leads escalated.
pub fn escalate_overdue(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
    setup: &MailSetup,
) -> anyhow::Result<Vec<i64>> {
    let mut escalated = Vec::new();
    for lead in overdue_unescalated(conn, targets, now, SWEEP_LIMIT)? {
        let Clock::Overdue(late) =
            Clock::of(lead.kind, LeadStatus::New, lead.created_at, targets, now)
        else {
            continue;
        };
        let mails = escalation_mails(&lead, late, &format_time(lead.created_at), setup)?;
        let queued = write_transaction(conn, |conn| {
            if lead_has_mail(conn, lead.id, MailKind::Escalation)? {
                return Ok(false);
            }
            insert_mails(conn, &mails, now)?;
            Ok(true)
        });
        match queued {
            Ok(true) => escalated.push(lead.id),
            Ok(false) => {}
            // Another instance escalated between our check and insert; the
            // unique index kept theirs.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(escalated)
}
