//! The next step on a lead: set by staff (required when a lead moves to
//! contacted, qualified or proposal), reminded to its owner when due, and
//! to the sales inbox when late past the grace period.

use super::LeadChangeError;
use crate::db::models::follow_up::{self, Reminder, claim_reminder, due_unreminded};
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::outbox::insert_mails;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::mail::compose::MailSetup;
use crate::mail::follow_up_mail::follow_up_mails;

/// A next step as staff typed it.
#[derive(Debug, Clone)]
pub struct NextStep {
    pub due_at: i64,
    pub action: String,
}

/// A due time a little in the past is a clock's difference, not a mistake.
const SLACK_SECONDS: i64 = 300;

/// Follow-ups reminded per sweep, at most; the rest are next sweep's.
const SWEEP_LIMIT: i64 = 5_000;

/// Records the next step inside the caller's transaction.
pub fn record_next_step(
    conn: &mut DbConnection,
    lead: &Lead,
    step: &NextStep,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    if step.due_at < now - SLACK_SECONDS {
        return Err(LeadChangeError::Refused(
            "Choose a due time from now on for the next step",
        ));
    }
    if !lead.status.awaits_contact() {
        return Err(LeadChangeError::Refused("A closed lead has no next step"));
    }
    follow_up::set(conn, lead.id, step.due_at, &step.action, actor, now)?;
    let event = LeadEvent::FollowUpSet {
        due_at: step.due_at,
        action: step.action.clone(),
    };
    lead_event::record(conn, lead.id, Some(actor), &event, now)?;
    Ok(())
}

/// "Next step" on the lead's page.
pub fn set_next_step(
    conn: &mut DbConnection,
    lead_id: i64,
    step: &NextStep,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, lead_id)?.ok_or(LeadChangeError::NotFound)?;
        record_next_step(conn, &lead, step, actor, now)
    })
}

/// One sweep: owners hear of follow-ups due, the sales inbox of those late by
/// `grace_seconds` of working time; each once per due time. Answers the
/// mails queued.
pub fn remind_follow_ups(
    conn: &mut DbConnection,
    now: i64,
    grace_seconds: i64,
    setup: &MailSetup,
) -> anyhow::Result<usize> {
    let sweeps = [
        (Reminder::Owner, now),
        (
            Reminder::Escalation,
            setup.targets.hours.cutoff(now, grace_seconds),
        ),
    ];
    // Most sweeps find nothing: a read, so an idle instance takes no write lock.
    let mut nothing = true;
    for (reminder, cutoff) in sweeps {
        nothing &= due_unreminded(conn, reminder, cutoff, 1)?.is_empty();
    }
    if nothing {
        return Ok(0);
    }
    write_transaction(conn, |conn| -> anyhow::Result<usize> {
        let mut queued = 0;
        for (reminder, cutoff) in sweeps {
            let mut claimed = Vec::new();
            for due in due_unreminded(conn, reminder, cutoff, SWEEP_LIMIT)? {
                if claim_reminder(conn, reminder, due.lead_id)? {
                    claimed.push(due);
                }
            }
            let mails = follow_up_mails(&claimed, reminder, setup)?;
            insert_mails(conn, &mails, now)?;
            queued += mails.len();
        }
        Ok(queued)
    })
}
