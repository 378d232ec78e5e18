//! What staff do to a lead on its page: move it along, or note something.

use super::LeadChangeError;
use super::follow_up::{NextStep, record_next_step};
use crate::db::models::follow_up;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_status::LeadStatus;

/// Moves a lead to another status. `lost` needs a reason; contacted,
/// qualified and proposal need a next step (given now, or one still ahead);
/// a closed lead's next step goes. Spam leaves only by release.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: LeadStatus,
    reason: Option<&str>,
    next: Option<&NextStep>,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if status == LeadStatus::Lost && reason.is_none() {
        return Err(LeadChangeError::Refused(
            "Give a reason when marking a lead as lost",
        ));
    }
    if status == LeadStatus::Spam {
        return Err(LeadChangeError::Refused(
            "Choose one of the listed statuses",
        ));
    }
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        if lead.status == status {
            return Ok(());
        }
        if lead.status == LeadStatus::Spam {
            return Err(LeadChangeError::Refused(
                "Release a spam lead before changing its status",
            ));
        }
        lead.set_status(conn, status, now)?;
        let event = LeadEvent::StatusChanged {
            from: lead.status,
            to: status,
            reason: reason.map(str::to_owned),
        };
        lead_event::record(conn, id, Some(actor), &event, now)?;
        let moved = Lead { status, ..lead };
        match next {
            Some(step) => record_next_step(conn, &moved, step, actor, now)?,
            None if status.needs_next_step() => {
                let ahead = follow_up::of_lead(conn, id)?.is_some_and(|f| f.due_at >= now);
                if !ahead {
                    return Err(LeadChangeError::Refused(
                        "Give the next step and when it is due when moving a lead to contacted, qualified or proposal",
                    ));
                }
            }
            None if !status.awaits_contact() => follow_up::clear(conn, id)?,
            None => {}
        }
        Ok(())
    })
}

pub fn add_note(
    conn: &mut DbConnection,
    id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        Lead::find(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        let event = LeadEvent::Note {
            text: text.to_owned(),
        };
        lead_event::record(conn, id, Some(actor), &event, now)?;
        Ok(())
    })
}

/// Staff judge a lead to be spam: it leaves the open queues, its next step
/// goes, and only a release brings it back. A won or lost lead stays as it
/// closed.
pub fn mark_spam(
    conn: &mut DbConnection,
    id: i64,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        match lead.status {
            LeadStatus::Spam => return Ok(()),
            LeadStatus::Won | LeadStatus::Lost => {
                return Err(LeadChangeError::Refused(
                    "A won or lost lead cannot be marked as spam",
                ));
            }
            _ => {}
        }
        lead.hold_as_spam(conn, "marked as spam by staff", now)?;
        let event = LeadEvent::StatusChanged {
            from: lead.status,
            to: LeadStatus::Spam,
            reason: Some("marked as spam".to_owned()),
        };
        lead_event::record(conn, id, Some(actor), &event, now)?;
        follow_up::clear(conn, id)?;
        Ok(())
    })
}
