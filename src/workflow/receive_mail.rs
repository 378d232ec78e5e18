//! A mail came in (by SMTP or HTTP): find its lead — by our address in its
//! recipients, else by the Message-IDs it answers — store it once, and act:
//! a reply waits for staff and tells the owner; an automatic answer is only
//! recorded; a bounce marks the mail, flags the lead and holds back
//! automatic mail to the address. A mail with no lead waits for an admin.

use super::LeadChangeError;
use super::notify_owner::tell_owner;
use crate::db::models::contact::Contact;
use crate::db::models::inbound_mail::{self, NewInbound};
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::outbox::{mark_bounced, suppress_pending_of_lead};
use crate::db::queries::conversation::{lead_of_thread, outbox_mail, outbox_of_message_id};
use crate::db::{DbConnection, write_transaction};
use crate::domain::inbound::{InboundKind, InboundState};
use crate::domain::lead_event::LeadEvent;
use crate::domain::mail_kind::MailKind;
use crate::mail::compose::MailSetup;
use crate::mail::inbound::InboundMessage;
use crate::security::reply_address::{OwnAddress, ReplyAddresses};

/// What became of a received mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Filed {
        lead_id: i64,
        inbound_id: i64,
    },
    Unmatched {
        inbound_id: i64,
    },
    /// Its Message-ID was taken before (the same mail by another way in).
    Duplicate,
}

/// Where a mail belongs: its lead, and for a bounce the outbox mail.
fn locate(
    conn: &mut DbConnection,
    mail: &InboundMessage,
    own: &ReplyAddresses,
) -> diesel::QueryResult<(Option<i64>, Option<i64>)> {
    let addressed = mail.recipients.iter().find_map(|r| own.read(r));
    let bounced = match (addressed, mail.kind) {
        (Some(OwnAddress::Bounce { outbox_id }), _) => Some(outbox_id),
        (_, InboundKind::Bounce) => match &mail.bounced_message_id {
            Some(id) => outbox_of_message_id(conn, id)?,
            None => None,
        },
        _ => None,
    };
    if let Some(outbox_id) = bounced {
        let lead_id = outbox_mail(conn, outbox_id)?.and_then(|(lead, _)| lead);
        return Ok((lead_id, Some(outbox_id)));
    }
    if let Some(OwnAddress::Reply { lead_id }) = addressed {
        if Lead::find(conn, lead_id)?.is_some() {
            return Ok((Some(lead_id), None));
        }
    }
    Ok((lead_of_thread(conn, &mail.thread)?, None))
}

pub fn receive_mail(
    conn: &mut DbConnection,
    mail: &InboundMessage,
    size: usize,
    via: &str,
    setup: &MailSetup,
    own: &ReplyAddresses,
    now: i64,
) -> anyhow::Result<Received> {
    write_transaction(conn, |conn| -> anyhow::Result<Received> {
        let (lead_id, outbox_id) = locate(conn, mail, own)?;
        let stored = NewInbound {
            received_at: now,
            via,
            sender: &mail.sender,
            subject: &mail.subject,
            message_id: mail.message_id.as_deref(),
            kind: mail.kind,
            state: match lead_id {
                Some(_) => InboundState::Matched,
                None => InboundState::Unmatched,
            },
            lead_id,
            outbox_id,
            body_text: &mail.text,
            attachments: serde_json::to_string(&mail.attachments)?,
            size: i64::try_from(size).unwrap_or(i64::MAX),
        };
        let Some(inbound_id) = inbound_mail::insert(conn, &stored)? else {
            return Ok(Received::Duplicate);
        };
        let Some(lead_id) = lead_id else {
            return Ok(Received::Unmatched { inbound_id });
        };
        match mail.kind {
            InboundKind::Reply => file_reply(conn, lead_id, inbound_id, setup, now)?,
            InboundKind::AutoReply => {
                let event = LeadEvent::AutoReplied { inbound_id };
                lead_event::record(conn, lead_id, None, &event, now)?;
            }
            InboundKind::Bounce => {
                if let Some(outbox_id) = outbox_id {
                    bounce(conn, lead_id, outbox_id, inbound_id, mail, setup, now)?;
                }
            }
        }
        Ok(Received::Filed {
            lead_id,
            inbound_id,
        })
    })
}

/// The buyer answered: the lead shows it until staff answer, the owner is told.
fn file_reply(
    conn: &mut DbConnection,
    lead_id: i64,
    inbound_id: i64,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<()> {
    lead_event::record(
        conn,
        lead_id,
        None,
        &LeadEvent::BuyerReplied { inbound_id },
        now,
    )?;
    Lead::set_buyer_waiting(conn, lead_id, Some(now), now)?;
    tell_owner(conn, lead_id, MailKind::BuyerReplied, setup, now)
}

fn bounce(
    conn: &mut DbConnection,
    lead_id: i64,
    outbox_id: i64,
    inbound_id: i64,
    mail: &InboundMessage,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<()> {
    let to_buyer = outbox_mail(conn, outbox_id)?.is_some_and(|(_, kind)| kind.is_to_buyer());
    if !mark_bounced(conn, outbox_id)? || !to_buyer {
        // Marked before (a second report of it), or a mail to staff.
        return Ok(());
    }
    if let Some(lead) = Lead::find(conn, lead_id)? {
        Contact::mark_bounced(conn, lead.contact_id, now)?;
    }
    suppress_pending_of_lead(conn, lead_id)?;
    let event = LeadEvent::MailBounced {
        outbox_id,
        inbound_id,
        status: mail.bounce_status.clone(),
    };
    lead_event::record(conn, lead_id, None, &event, now)?;
    tell_owner(conn, lead_id, MailKind::MailBounced, setup, now)
}

/// An admin files an unmatched mail on a lead (as the buyer's reply), or
/// sets it aside (`lead_id: None`).
pub fn settle_unmatched(
    conn: &mut DbConnection,
    inbound_id: i64,
    lead_id: Option<i64>,
    setup: &MailSetup,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let Some(lead_id) = lead_id else {
            if !inbound_mail::settle(conn, inbound_id, InboundState::Discarded, None)? {
                return Err(LeadChangeError::NotFound);
            }
            return Ok(());
        };
        if Lead::find(conn, lead_id)?.is_none() {
            return Err(LeadChangeError::Refused(
                "There is no lead with that number",
            ));
        }
        if !inbound_mail::settle(conn, inbound_id, InboundState::Matched, Some(lead_id))? {
            return Err(LeadChangeError::NotFound);
        }
        file_reply(conn, lead_id, inbound_id, setup, now)?;
        Ok(())
    })
}
