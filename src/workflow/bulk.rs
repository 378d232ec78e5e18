//! One change to many leads at once (assign, status, note), as staff chose
//! them on the list: one transaction for the batch — every lead changes or
//! none does — each lead's own event by the actor, and one audit entry that
//! names the batch and its leads.

use super::LeadChangeError;
use super::assign_owner::reassign;
use super::change_lead::{add_note, set_status};
use super::follow_up::NextStep;
use crate::db::models::audit_entry::AuditEntry;
use crate::db::{DbConnection, write_transaction};
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_status::LeadStatus;

/// The most leads one batch may change.
pub const BULK_CAP: usize = 5_000;

#[derive(Debug, Clone)]
pub enum BulkChange {
    Assign(Option<i64>),
    Status {
        status: LeadStatus,
        reason: Option<String>,
        next: Option<NextStep>,
    },
    Note(String),
}

impl BulkChange {
    /// "set status to won", for the confirmation and the audit trail.
    pub fn describe(&self, owner_name: Option<&str>) -> String {
        match self {
            Self::Assign(Some(_)) => format!("assign to {}", owner_name.unwrap_or("someone")),
            Self::Assign(None) => "leave without an owner".to_owned(),
            Self::Status { status, .. } => format!("set status to {status}"),
            Self::Note(_) => "add a note".to_owned(),
        }
    }
}

/// Why a batch was not made.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("lead #{id}: {error}")]
    Lead { id: i64, error: LeadChangeError },
    #[error("choose between 1 and {BULK_CAP} leads")]
    Size,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Applies the change to every lead, or to none; answers the batch's id.
pub fn apply_bulk(
    conn: &mut DbConnection,
    ids: &[i64],
    change: &BulkChange,
    description: &str,
    actor: i64,
    now: i64,
) -> Result<String, BulkError> {
    if ids.is_empty() || ids.len() > BULK_CAP {
        return Err(BulkError::Size);
    }
    let batch = hex::encode(rand::random::<[u8; 6]>());
    write_transaction(conn, |conn| {
        for &id in ids {
            let changed = match change {
                BulkChange::Assign(owner) => reassign(conn, id, *owner, actor, None, now),
                BulkChange::Status {
                    status,
                    reason,
                    next,
                } => set_status(
                    conn,
                    id,
                    *status,
                    reason.as_deref(),
                    next.as_ref(),
                    actor,
                    now,
                ),
                BulkChange::Note(text) => add_note(conn, id, text, actor, now),
            };
            changed.map_err(|error| BulkError::Lead { id, error })?;
        }
        let listed: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        let target = format!("batch {batch}: {} leads", ids.len());
        let detail = format!("{description}: {}", listed.join(", "));
        AuditEntry {
            actor: Some(actor),
            action: AuditAction::BulkChange,
            target: &target,
            detail: &detail,
        }
        .record(conn, now)?;
        Ok(batch.clone())
    })
}
