//! The use cases: each spans tables (and the mails it queues) in ONE
//! transaction, reads top to bottom, and knows nothing of HTTP or templates.
//! Handlers parse, call one of these, and answer; jobs call them on a timer.

pub mod assign_owner;
pub mod bulk;
pub mod change_lead;
pub mod converse;
pub mod deliver_sample;
pub mod escalate;
pub mod follow_up;
pub mod notify_owner;
pub mod offer;
pub mod patch_lead;
pub mod quote;
pub mod receive_mail;
pub mod release_lead;
pub mod retention;
pub mod submit_lead;
pub mod two_factor;

/// Why a change staff asked for was not made.
#[derive(Debug, thiserror::Error)]
pub enum LeadChangeError {
    #[error("no such lead")]
    NotFound,
    /// Expected: the page says why.
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
