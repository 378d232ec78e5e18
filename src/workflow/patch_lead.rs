//! A change to a lead from the JSON API: status (with its reason and next
//! step) and owner in one transaction, through the same steps as the desk's
//! forms, so the events, audit trail and webhooks are the desk's own.

use super::LeadChangeError;
use super::assign_owner::reassign;
use super::change_lead::{mark_spam, set_status};
use super::follow_up::NextStep;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_status::LeadStatus;
use crate::mail::compose::MailSetup;

#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    pub status: Option<LeadStatus>,
    pub lost_reason: Option<String>,
    pub next: Option<NextStep>,
    /// `Some(None)`: no owner.
    pub owner: Option<Option<i64>>,
}

/// Applies the patch whole or not at all.
pub fn patch_lead(
    conn: &mut DbConnection,
    id: i64,
    patch: &LeadPatch,
    actor: i64,
    setup: &MailSetup,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        match patch.status {
            Some(LeadStatus::Spam) => mark_spam(conn, id, actor, now)?,
            Some(status) => set_status(
                conn,
                id,
                status,
                patch.lost_reason.as_deref(),
                patch.next.as_ref(),
                actor,
                now,
            )?,
            None => {}
        }
        if let Some(owner) = patch.owner {
            reassign(conn, id, owner, actor, Some(setup), now)?;
        }
        Ok(())
    })
}
