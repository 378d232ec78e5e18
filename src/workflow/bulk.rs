//! One change to many leads at once, as staff chose them on the list: one
//! transaction for the batch — every lead changes or none does —, each
//! lead's own event by the actor, an audit entry per lead naming the batch,
//! and one for the batch itself.

use super::LeadChangeError;
use super::assign_owner::reassign;
use super::change_lead::{add_note, mark_spam, set_status};
use super::follow_up::NextStep;
use super::notify_owner::tell_owner_of_batch;
use super::release_lead::release_lead;
use crate::db::models::audit_entry::AuditEntry;
use crate::db::{DbConnection, write_transaction};
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_status::LeadStatus;
use crate::mail::compose::MailSetup;

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
    /// Leads held as spam become new, get owners and their mails go out.
    Release,
    MarkSpam,
}

impl BulkChange {
    /// "set status to won", for the confirmation and the audit trail.
    pub fn describe(&self, owner_name: Option<&str>) -> String {
        match self {
            Self::Assign(Some(_)) => format!("assign to {}", owner_name.unwrap_or("someone")),
            Self::Assign(None) => "leave without an owner".to_owned(),
            Self::Status { status, .. } => format!("set status to {status}"),
            Self::Note(_) => "add a note".to_owned(),
            Self::Release => "release from spam".to_owned(),
            Self::MarkSpam => "mark as spam".to_owned(),
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
    #[error(transparent)]
    Mail(anyhow::Error),
}

/// Who does the batch, and with what mail set-up (releases and new owners
/// are mailed).
pub struct BatchActor<'a> {
    pub id: i64,
    pub name: &'a str,
    pub setup: &'a MailSetup,
}

/// Applies the change to every lead, or to none; answers the batch's id.
pub fn apply_bulk(
    conn: &mut DbConnection,
    ids: &[i64],
    change: &BulkChange,
    description: &str,
    actor: &BatchActor<'_>,
    now: i64,
) -> Result<String, BulkError> {
    if ids.is_empty() || ids.len() > BULK_CAP {
        return Err(BulkError::Size);
    }
    let batch = hex::encode(rand::random::<[u8; 6]>());
    let audit = |conn: &mut DbConnection, target: &str, detail: &str| {
        let entry = AuditEntry {
            actor: Some(actor.id),
            action: AuditAction::BulkChange,
            target,
            detail,
        };
        entry.record(conn, now)
    };
    write_transaction(conn, |conn| {
        let mut handed = Vec::new();
        for &id in ids {
            change_one(conn, id, change, actor, now, &mut handed)
                .map_err(|error| BulkError::Lead { id, error })?;
            let detail = format!("batch {batch}: {description}");
            audit(conn, &format!("lead #{id}"), &detail)?;
        }
        if let BulkChange::Assign(Some(owner)) = change {
            if *owner != actor.id && !handed.is_empty() {
                tell_owner_of_batch(conn, *owner, &handed, actor.name, actor.setup, now)
                    .map_err(BulkError::Mail)?;
            }
        }
        let listed: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        let target = format!("batch {batch}: {} leads", ids.len());
        audit(
            conn,
            &target,
            &format!("{description}: {}", listed.join(", ")),
        )?;
        Ok(batch.clone())
    })
}

/// One lead's part of the batch; `handed` collects the leads whose owner
/// changed, for the new owner's one mail.
fn change_one(
    conn: &mut DbConnection,
    id: i64,
    change: &BulkChange,
    actor: &BatchActor<'_>,
    now: i64,
    handed: &mut Vec<i64>,
) -> Result<(), LeadChangeError> {
    match change {
        BulkChange::Assign(owner) => {
            if reassign(conn, id, *owner, actor.id, None, now)? {
                handed.push(id);
            }
            Ok(())
        }
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
            actor.id,
            now,
        ),
        BulkChange::Note(text) => add_note(conn, id, text, actor.id, now),
        BulkChange::Release => release_lead(conn, id, actor.id, now, actor.setup),
        BulkChange::MarkSpam => mark_spam(conn, id, actor.id, now),
    }
}
