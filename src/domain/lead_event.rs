//! What happened to a lead, as the timeline and the audit log tell it. One
//! enum for every writer and reader: stored as its kind (`lead_events.kind`)
//! and its fields as JSON (`lead_events.detail`).

use serde::{Deserialize, Serialize};

use super::lead_status::LeadStatus;
use super::mail_kind::MailKind;

/// What replaces erased personal values, here and in every table.
pub const ERASED: &str = "[erased]";

/// The kind of the event that marks a lead as escalated; a unique index lets
/// a lead have it once.
pub const ESCALATED: &str = "escalated";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LeadEvent {
    /// The buyer's request was stored; spam says why it was held.
    Created {
        score: i32,
        reasons: Vec<String>,
        spam_reason: Option<String>,
    },
    StatusChanged {
        from: LeadStatus,
        to: LeadStatus,
        /// Typed by staff (required for `lost`); may name the buyer.
        reason: Option<String>,
    },
    /// A new owner: by a person (`by` empty) or by routing ("round-robin").
    Assigned {
        from: Option<i64>,
        to: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    Note {
        text: String,
    },
    /// A person decided a lead held as spam is real.
    Released {
        spam_reason: Option<String>,
    },
    /// A mail of the lead's ran out of attempts.
    MailDead {
        outbox_id: i64,
        mail: MailKind,
        attempts: i32,
        error: String,
    },
    /// The buyer's personal data was erased: on request, or by retention.
    Erased {
        on_request: bool,
    },
    /// A sample link was made and mailed (by a person, or at once on release).
    SampleSent {
        delivery_id: i64,
        /// The first 12 hex digits of the sample file's SHA-256.
        version: String,
        expires_at: i64,
    },
    /// The buyer downloaded the sample through a link (`count`: that link's
    /// downloads so far).
    SampleDownloaded {
        delivery_id: i64,
        count: i32,
    },
    /// The lead went past its first-response target and was reported in the
    /// sweep's overdue digests (to `owner`, if any, and the sales inbox).
    Escalated {
        late_seconds: i64,
        owner: Option<i64>,
    },
    /// Staff wrote to the buyer from the lead's page (the mail is in the
    /// outbox, row `outbox_id`).
    MailWritten {
        outbox_id: i64,
        subject: String,
    },
    /// Staff reached the buyer another way ("call", "meeting").
    ContactLogged {
        channel: String,
        note: String,
    },
    /// The buyer answered (the mail is `inbound_mail` row `inbound_id`).
    BuyerReplied {
        inbound_id: i64,
    },
    /// An automatic answer (out of office): recorded, not a reply.
    AutoReplied {
        inbound_id: i64,
    },
    /// A mail to the buyer came back undeliverable (`status`: the DSN's
    /// code, e.g. "5.1.1").
    MailBounced {
        outbox_id: i64,
        inbound_id: i64,
        status: Option<String>,
    },
    /// Staff set the next step (typed; may name the buyer) and its due time.
    FollowUpSet {
        due_at: i64,
        action: String,
    },
    /// An offer moved: proposed (approved at once or waiting), approved,
    /// declined, sent, accepted by the buyer, expired or withdrawn.
    /// `terms`: "Multi-user, USD 5,500.00 (15.4 % off)"; `note`: an
    /// approver's note or reason (typed; may name the buyer).
    OfferChanged {
        offer_id: i64,
        state: String,
        terms: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// Why a stored event could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("lead event {kind:?} cannot be read: {cause}")]
pub struct UnreadableEvent {
    pub kind: String,
    pub cause: String,
}

impl LeadEvent {
    /// The value in `lead_events.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Created { .. } => "created",
            Self::StatusChanged { .. } => "status_changed",
            Self::Assigned { .. } => "assigned",
            Self::Note { .. } => "note",
            Self::Released { .. } => "released",
            Self::MailDead { .. } => "mail_dead",
            Self::Erased { .. } => "erased",
            Self::Escalated { .. } => ESCALATED,
            Self::SampleSent { .. } => "sample_sent",
            Self::SampleDownloaded { .. } => "sample_downloaded",
            Self::MailWritten { .. } => "mail_written",
            Self::ContactLogged { .. } => "contact_logged",
            Self::BuyerReplied { .. } => "buyer_replied",
            Self::AutoReplied { .. } => "auto_replied",
            Self::MailBounced { .. } => "mail_bounced",
            Self::FollowUpSet { .. } => "follow_up_set",
            Self::OfferChanged { .. } => "offer_changed",
        }
    }

    /// The kinds staff cause (the audit log's filter): the others are the
    /// system's.
    pub const STAFF_ACTIONS: [&'static str; 10] = [
        "status_changed",
        "assigned",
        "note",
        "released",
        "erased",
        "sample_sent",
        "mail_written",
        "contact_logged",
        "follow_up_set",
        "offer_changed",
    ];

    /// Whether the event may quote or name the buyer (notes, reasons typed by
    /// staff, score reasons, relay errors): erasure redacts exactly these.
    pub fn holds_personal_data(&self) -> bool {
        match self {
            Self::Created { .. }
            | Self::Note { .. }
            | Self::MailDead { .. }
            | Self::MailWritten { .. }
            | Self::ContactLogged { .. }
            | Self::FollowUpSet { .. } => true,
            Self::Released { spam_reason } => spam_reason.is_some(),
            Self::OfferChanged { note, .. } => note.is_some(),
            Self::StatusChanged { reason, .. } => reason.is_some(),
            Self::Assigned { .. }
            | Self::Erased { .. }
            | Self::Escalated { .. }
            | Self::SampleSent { .. }
            | Self::SampleDownloaded { .. }
            | Self::BuyerReplied { .. }
            | Self::AutoReplied { .. }
            | Self::MailBounced { .. } => false,
        }
    }

    /// The same event with every value that could be personal replaced.
    pub fn redacted(&self) -> Self {
        let erased = || ERASED.to_owned();
        match self.clone() {
            Self::Created {
                score, spam_reason, ..
            } => Self::Created {
                score,
                reasons: Vec::new(),
                spam_reason: spam_reason.map(|_| erased()),
            },
            Self::StatusChanged { from, to, reason } => Self::StatusChanged {
                from,
                to,
                reason: reason.map(|_| erased()),
            },
            Self::Note { .. } => Self::Note { text: erased() },
            Self::MailWritten { outbox_id, .. } => Self::MailWritten {
                outbox_id,
                subject: erased(),
            },
            Self::ContactLogged { channel, .. } => Self::ContactLogged {
                channel,
                note: erased(),
            },
            Self::FollowUpSet { due_at, .. } => Self::FollowUpSet {
                due_at,
                action: erased(),
            },
            Self::Released { spam_reason } => Self::Released {
                spam_reason: spam_reason.map(|_| erased()),
            },
            Self::OfferChanged {
                offer_id,
                state,
                terms,
                note,
            } => Self::OfferChanged {
                offer_id,
                state,
                terms,
                note: note.map(|_| erased()),
            },
            Self::MailDead {
                outbox_id,
                mail,
                attempts,
                ..
            } => Self::MailDead {
                outbox_id,
                mail,
                attempts,
                error: erased(),
            },
            other => other,
        }
    }

    /// The `detail` column: the fields as JSON. A note is its text and an
    /// erasure says by what, as they have been stored from the start.
    pub fn detail(&self) -> String {
        match self {
            Self::Note { text } => text.clone(),
            Self::Erased { on_request: true } => "on request".to_owned(),
            Self::Erased { on_request: false } => "retention".to_owned(),
            other => {
                let mut json = serde_json::to_value(other).unwrap_or_default();
                if let Some(fields) = json.as_object_mut() {
                    fields.remove("kind");
                }
                json.to_string()
            }
        }
    }

    /// Reads an event back from its two columns. Details erased before events
    /// were typed (a bare marker) read as the redacted event.
    pub fn from_stored(kind: &str, detail: &str) -> Result<Self, UnreadableEvent> {
        let unreadable = |cause: String| UnreadableEvent {
            kind: kind.to_owned(),
            cause,
        };
        match kind {
            "note" => {
                return Ok(Self::Note {
                    text: detail.to_owned(),
                });
            }
            "erased" => {
                return Ok(Self::Erased {
                    on_request: detail != "retention",
                });
            }
            _ => {}
        }
        if detail == ERASED {
            return Self::erased_placeholder(kind).ok_or_else(|| unreadable("unknown kind".into()));
        }
        let mut json: serde_json::Value =
            serde_json::from_str(detail).map_err(|e| unreadable(e.to_string()))?;
        match json.as_object_mut() {
            Some(fields) => {
                fields.insert("kind".into(), kind.into());
            }
            None => return Err(unreadable("not an object".into())),
        }
        serde_json::from_value(json).map_err(|e| unreadable(e.to_string()))
    }

    /// What an event whose whole detail was replaced by the marker stood for.
    fn erased_placeholder(kind: &str) -> Option<Self> {
        let erased = || Some(ERASED.to_owned());
        Some(match kind {
            "created" => Self::Created {
                score: 0,
                reasons: Vec::new(),
                spam_reason: None,
            },
            "released" => Self::Released {
                spam_reason: erased(),
            },
            "mail_dead" => Self::MailDead {
                outbox_id: 0,
                mail: MailKind::SalesNotification,
                attempts: 0,
                error: ERASED.to_owned(),
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests;
