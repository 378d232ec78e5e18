//! How a lead's history reads on its page and in the audit log: events and
//! mails as lines, repeat interest as notes.

use std::collections::HashMap;

use crate::db::models::inbound_mail::InboundRow;
use crate::db::models::lead_event::EventRow;
use crate::db::models::outbox::MailRow;
use crate::db::queries::repeat_interest::RepeatInterest;
use crate::domain::lead_event::LeadEvent;
use crate::domain::mail_kind::MailKind;
use crate::domain::masking::mask_email;
use crate::domain::offer::OfferState;
use crate::domain::response_clock::lateness;
use crate::domain::working_hours::WorkingHours;
use crate::format::ordinal;

pub struct TimelineItem {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

/// What an event says: a headline and a detail line.
pub fn describe_event(
    row: &EventRow,
    names: &HashMap<i64, String>,
    desk: &WorkingHours,
) -> (String, String) {
    let name_of = |id: Option<i64>| {
        id.and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "nobody".into())
    };
    let Ok(event) = row.event() else {
        return (row.kind.clone(), row.detail.clone());
    };
    match event {
        LeadEvent::Created {
            score,
            reasons,
            spam_reason,
        } => (
            "Request received".into(),
            format!(
                "Score {score}: {}{}",
                reasons.join(", "),
                spam_reason
                    .map(|r| format!(". Held as spam: {r}"))
                    .unwrap_or_default()
            ),
        ),
        LeadEvent::StatusChanged { from, to, reason } => (
            format!("Status {from} → {to}"),
            reason.map(|r| format!("Reason: {r}")).unwrap_or_default(),
        ),
        LeadEvent::Assigned { from, to, .. } => (
            format!("Owner {} → {}", name_of(from), name_of(to)),
            String::new(),
        ),
        LeadEvent::Note { text } => ("Note".into(), text),
        LeadEvent::Released { .. } => ("Released from spam".into(), String::new()),
        LeadEvent::MailDead {
            mail,
            attempts,
            error,
            ..
        } => (
            "Mail gave up".into(),
            format!("{mail} after {attempts} attempts: {error}"),
        ),
        LeadEvent::Escalated {
            late_seconds,
            owner,
        } => (
            "Escalated".into(),
            format!(
                "{}; in the overdue digest to {}the sales inbox",
                lateness(late_seconds),
                owner.map_or(String::new(), |o| format!("{} and ", name_of(Some(o))))
            ),
        ),
        LeadEvent::SampleSent {
            version,
            expires_at,
            ..
        } => (
            "Sample sent".into(),
            format!(
                "version {version}; the link works until {}",
                desk.format(expires_at)
            ),
        ),
        LeadEvent::SampleDownloaded { count, .. } => (
            "Sample downloaded".into(),
            format!("{} download of its link", ordinal(count.max(0) as usize)),
        ),
        LeadEvent::MailWritten { subject, .. } => ("Wrote to the buyer".into(), subject),
        LeadEvent::ContactLogged { channel, note } => (format!("Contact logged: {channel}"), note),
        LeadEvent::BuyerReplied { inbound_id } => {
            ("Buyer replied".into(), format!("mail {inbound_id}"))
        }
        LeadEvent::AutoReplied { inbound_id } => {
            ("Automatic reply".into(), format!("mail {inbound_id}"))
        }
        LeadEvent::MailBounced {
            outbox_id, status, ..
        } => (
            "Email undeliverable — phone or correct it".into(),
            format!(
                "mail {outbox_id} bounced{}; automatic mail to this address is held until the buyer asks again",
                status.map(|s| format!(" ({s})")).unwrap_or_default()
            ),
        ),
        LeadEvent::FollowUpSet { due_at, action } => {
            (format!("Next step due {}", desk.format(due_at)), action)
        }
        LeadEvent::OfferChanged {
            offer_id,
            state,
            terms,
            note,
        } => {
            let state = OfferState::from_db(&state).map_or(state, |s| s.label().to_owned());
            (
                format!("Offer {offer_id} {state}"),
                match note {
                    Some(note) => format!("{terms} — {note}"),
                    None => terms,
                },
            )
        }
        LeadEvent::Erased { on_request } => (
            "Personal data erased".into(),
            if on_request {
                "on request"
            } else {
                "retention"
            }
            .into(),
        ),
    }
}

/// A lead's events and mails, out and in, as one timeline, oldest first.
/// Mails in stand for their own events (the reply's text is on its line).
pub fn timeline(
    events: &[EventRow],
    mails: &[MailRow],
    inbound: &[InboundRow],
    names: &HashMap<i64, String>,
    desk: &WorkingHours,
) -> Vec<TimelineItem> {
    let mut items: Vec<(i64, TimelineItem)> = events
        .iter()
        .filter(|e| {
            !matches!(
                e.event(),
                Ok(LeadEvent::BuyerReplied { .. } | LeadEvent::AutoReplied { .. })
            )
        })
        .map(|e| {
            let (what, detail) = describe_event(e, names, desk);
            let who = e.actor_name.clone().unwrap_or_else(|| "system".into());
            (
                e.created_at,
                TimelineItem {
                    at: desk.format(e.created_at),
                    who,
                    what,
                    detail,
                },
            )
        })
        .collect();
    items.extend(mails.iter().map(|m| {
        let at = m.sent_at.unwrap_or(m.created_at);
        let attempts = match &m.last_error {
            Some(error) => format!("{} attempt(s); last error: {error}", m.attempts),
            None => format!("{} attempt(s)", m.attempts),
        };
        let item = TimelineItem {
            at: desk.format(at),
            who: "outbox".into(),
            what: format!(
                "Mail {} to {}: {}",
                m.kind.label(),
                mask_email(&m.to_addr),
                m.status
            ),
            // What staff wrote is shown whole; the system's mails are known.
            detail: if m.kind == MailKind::DeskMail {
                format!("{}\n\n{}\n\n({attempts})", m.subject, m.body_text)
            } else {
                attempts
            },
        };
        (at, item)
    }));
    items.extend(inbound.iter().map(|m| {
        let attachments: Vec<String> = m
            .attachments()
            .iter()
            .map(|a| format!("{} ({})", a.name, crate::format::bytes(a.size)))
            .collect();
        let mut detail = format!("{}\n\n{}", m.subject, m.body_text);
        if !attachments.is_empty() {
            detail.push_str(&format!(
                "\n\nAttachments (not kept): {}",
                attachments.join(", ")
            ));
        }
        let item = TimelineItem {
            at: desk.format(m.received_at),
            who: mask_email(&m.sender),
            what: m.kind.label().to_owned(),
            detail,
        };
        (m.received_at, item)
    }));
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, item)| item).collect()
}

/// "3rd request from this contact", "2 other contacts from acme.com".
pub fn describe_repeat(interest: &RepeatInterest) -> Vec<String> {
    let mut notes = Vec::new();
    if interest.ordinal > 1 {
        notes.push(format!(
            "{} request from this contact",
            ordinal(interest.ordinal)
        ));
    }
    match interest.same_domain_contacts {
        0 => {}
        1 => notes.push(format!("1 other contact from {}", interest.domain)),
        n => notes.push(format!("{n} other contacts from {}", interest.domain)),
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_interest_is_described_only_when_there_is_some() {
        let none = RepeatInterest {
            ordinal: 1,
            same_domain_contacts: 0,
            domain: "gmail.com".into(),
        };
        assert!(describe_repeat(&none).is_empty());
        let some = RepeatInterest {
            ordinal: 3,
            same_domain_contacts: 2,
            domain: "acme.com".into(),
        };
        assert_eq!(
            describe_repeat(&some),
            [
                "3rd request from this contact",
                "2 other contacts from acme.com"
            ]
        );
    }
}
