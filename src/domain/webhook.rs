//! Webhooks as the CRM sees them: which lead events become which webhook
//! event types, what each carries, and the states of an endpoint's delivery.

use serde_json::{Value, json};

use super::lead_event::LeadEvent;
use super::lead_status::LeadStatus;

/// The event types an endpoint can ask for (`webhook_endpoints.events`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    LeadCreated,
    LeadStatusChanged,
    LeadAssigned,
    LeadNoteAdded,
    MailDead,
    SampleDownloaded,
    EmailReceived,
    MailBounced,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 8] = [
        Self::LeadCreated,
        Self::LeadStatusChanged,
        Self::LeadAssigned,
        Self::LeadNoteAdded,
        Self::MailDead,
        Self::SampleDownloaded,
        Self::EmailReceived,
        Self::MailBounced,
    ];

    /// The name in payloads, forms and `webhook_endpoints.events`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::LeadCreated => "lead.created",
            Self::LeadStatusChanged => "lead.status_changed",
            Self::LeadAssigned => "lead.assigned",
            Self::LeadNoteAdded => "lead.note_added",
            Self::MailDead => "mail.dead",
            Self::SampleDownloaded => "sample.downloaded",
            Self::EmailReceived => "email.received",
            Self::MailBounced => "mail.bounced",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// What the admin page says each one is.
    pub fn description(&self) -> &'static str {
        match self {
            Self::LeadCreated => "a buyer's request was stored (or released from spam)",
            Self::LeadStatusChanged => "a lead moved to another status",
            Self::LeadAssigned => "a lead got a new owner",
            Self::LeadNoteAdded => "staff noted something on a lead",
            Self::MailDead => "a lead's mail ran out of attempts",
            Self::SampleDownloaded => "the buyer downloaded the sample",
            Self::EmailReceived => "the buyer answered by mail",
            Self::MailBounced => "a mail to the buyer bounced",
        }
    }

    /// The stored list of an endpoint's events.
    pub fn join(events: &[WebhookEvent]) -> String {
        events
            .iter()
            .map(WebhookEvent::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The stored list read back (unknown names, e.g. from a newer version,
    /// are skipped).
    pub fn split(stored: &str) -> Vec<WebhookEvent> {
        stored.split_whitespace().filter_map(Self::parse).collect()
    }
}

/// Whether an event of a lead now in `status` goes to the CRM: a lead held
/// as spam sends nothing until it is released, except the change that makes
/// it spam (so a CRM that had it learns it is gone).
pub fn reaches_crm(event: &LeadEvent, status: LeadStatus) -> bool {
    status != LeadStatus::Spam || matches!(event, LeadEvent::StatusChanged { .. })
}

/// The webhook a lead event makes, with the event's own fields; `None` for
/// events a CRM has no use for (escalations, sample links made, erasure).
pub fn of_lead_event(event: &LeadEvent) -> Option<(WebhookEvent, Value)> {
    Some(match event {
        LeadEvent::Created { score, .. } => (
            WebhookEvent::LeadCreated,
            json!({ "score": score, "released_from_spam": false }),
        ),
        LeadEvent::Released { .. } => (
            WebhookEvent::LeadCreated,
            json!({ "released_from_spam": true }),
        ),
        LeadEvent::StatusChanged { from, to, reason } => (
            WebhookEvent::LeadStatusChanged,
            json!({
                "from": from.as_db(),
                "to": to.as_db(),
                "lost_reason": if *to == LeadStatus::Lost { reason.clone() } else { None },
            }),
        ),
        LeadEvent::Assigned { from, to, by } => (
            WebhookEvent::LeadAssigned,
            json!({ "from_user_id": from, "to_user_id": to, "by_rule": by }),
        ),
        LeadEvent::Note { text } => (WebhookEvent::LeadNoteAdded, json!({ "text": text })),
        LeadEvent::MailDead {
            outbox_id,
            mail,
            attempts,
            ..
        } => (
            WebhookEvent::MailDead,
            json!({ "mail_id": outbox_id, "mail": mail.as_db(), "attempts": attempts }),
        ),
        LeadEvent::SampleDownloaded { count, .. } => (
            WebhookEvent::SampleDownloaded,
            json!({ "downloads": count }),
        ),
        LeadEvent::BuyerReplied { inbound_id } => (
            WebhookEvent::EmailReceived,
            json!({ "inbound_mail_id": inbound_id }),
        ),
        LeadEvent::MailBounced {
            outbox_id, status, ..
        } => (
            WebhookEvent::MailBounced,
            json!({ "mail_id": outbox_id, "status": status }),
        ),
        LeadEvent::Erased { .. }
        | LeadEvent::Escalated { .. }
        | LeadEvent::SampleSent { .. }
        | LeadEvent::MailWritten { .. }
        | LeadEvent::ContactLogged { .. }
        | LeadEvent::AutoReplied { .. }
        | LeadEvent::FollowUpSet { .. }
        // An accepted quote reaches the CRM as the lead's change to won.
        | LeadEvent::OfferChanged { .. } => return None,
    })
}

/// The body a standard endpoint receives: the Standard Webhooks shape, with
/// the lead as the API shows it and the event's own fields.
pub fn payload(event: WebhookEvent, lead: &Value, fields: Value, timestamp: &str) -> Value {
    json!({
        "type": event.as_str(),
        "timestamp": timestamp,
        "data": { "lead": lead, "event": fields },
    })
}

/// How an endpoint wants its deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// Standard Webhooks JSON, signed.
    Standard,
    /// A Slack or Teams incoming webhook: `{"text": "…"}`.
    Chat,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 2] = [Self::Standard, Self::Chat];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Chat => "chat",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_db() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Standard => "Standard Webhooks (JSON, signed)",
            Self::Chat => "Slack / Teams incoming webhook (text)",
        }
    }
}

/// What the settings allow an endpoint to be.
#[derive(Debug, Clone, Copy)]
pub struct EndpointPolicy {
    /// `http://` as well as `https://`.
    pub allow_insecure: bool,
    /// Loopback, private and link-local addresses.
    pub allow_internal: bool,
}

/// Where a delivery stands (`webhook_deliveries.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Out of attempts, or the endpoint said 410 Gone.
    Dead,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [Self::Pending, Self::Delivered, Self::Dead];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }
}

/// What an API token may do (`api_tokens.scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiScope {
    Read,
    ReadWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 2] = [Self::Read, Self::ReadWrite];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ReadWrite => "read_write",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn may_write(&self) -> bool {
        *self == Self::ReadWrite
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail_kind::MailKind;

    #[test]
    fn every_event_type_round_trips_through_its_name() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        let stored = WebhookEvent::join(&[WebhookEvent::LeadCreated, WebhookEvent::MailDead]);
        assert_eq!(stored, "lead.created mail.dead");
        assert_eq!(
            WebhookEvent::split(&format!("{stored} lead.unknown")),
            vec![WebhookEvent::LeadCreated, WebhookEvent::MailDead]
        );
    }

    #[test]
    fn a_lead_held_as_spam_sends_nothing_but_the_change_to_spam() {
        let created = LeadEvent::Created {
            score: 10,
            reasons: vec![],
            spam_reason: Some("honeypot".into()),
        };
        assert!(!reaches_crm(&created, LeadStatus::Spam));
        let marked = LeadEvent::StatusChanged {
            from: LeadStatus::New,
            to: LeadStatus::Spam,
            reason: Some("marked as spam".into()),
        };
        assert!(reaches_crm(&marked, LeadStatus::Spam));
        let (event, fields) = of_lead_event(&marked).unwrap();
        assert_eq!(event, WebhookEvent::LeadStatusChanged);
        assert_eq!(fields["lost_reason"], Value::Null);
    }

    #[test]
    fn a_release_from_spam_is_the_leads_creation_for_the_crm() {
        let released = LeadEvent::Released {
            spam_reason: Some("honeypot".into()),
        };
        let (event, fields) = of_lead_event(&released).unwrap();
        assert_eq!(event, WebhookEvent::LeadCreated);
        assert_eq!(fields["released_from_spam"], true);
    }

    #[test]
    fn a_dead_mail_names_the_mail_but_not_the_relays_error() {
        let dead = LeadEvent::MailDead {
            outbox_id: 7,
            mail: MailKind::BuyerConfirmation,
            attempts: 5,
            error: "550 no such user buyer@example.com".into(),
        };
        let (event, fields) = of_lead_event(&dead).unwrap();
        assert_eq!(event, WebhookEvent::MailDead);
        assert_eq!(fields["attempts"], 5);
        assert!(!fields.to_string().contains("buyer@example.com"));
    }
}
