//! The buyer's side of an offer: the quote link, accepting it (once), and
//! asking for a new one when it has expired.

use super::offer::{OfferDesk, OfferError, current, facts, named, record};
use crate::db::DbConnection;
use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::follow_up;
use crate::db::models::lead_event;
use crate::db::models::offer::{Offer, move_state};
use crate::db::models::outbox::insert_mails;
use crate::db::models::user::User;
use crate::db::write_transaction;
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::MailKind;
use crate::domain::offer::OfferState;
use crate::mail::compose::MailSetup;
use crate::mail::offer_mail::{StaffNotice, staff_notice, summary};

/// The path of an offer's quote page: signed over its id and expiry.
pub fn quote_path(setup: &MailSetup, offer: &Offer) -> String {
    format!(
        "/quotes/{}",
        setup.quote_tokens.sign(&[offer.id, offer.valid_until])
    )
}

/// What the buyer's click on "Accept" came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Accepted now: the lead is won.
    Accepted,
    /// Accepted before: nothing changes.
    AlreadyAccepted,
    Expired,
    /// Withdrawn or otherwise no longer open.
    Closed,
}

/// The buyer accepts a sent quote: the offer is accepted (once), the lead
/// won, and its owner and the sales inbox are mailed.
pub fn accept(
    conn: &mut DbConnection,
    offer_id: i64,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<Acceptance, OfferError> {
    write_transaction(conn, |conn| {
        let offer = current(conn, offer_id, now)?;
        match offer.state {
            OfferState::Accepted => return Ok(Acceptance::AlreadyAccepted),
            OfferState::Expired => return Ok(Acceptance::Expired),
            OfferState::Sent => {}
            _ => return Ok(Acceptance::Closed),
        }
        if !move_state(
            conn,
            offer.id,
            OfferState::Sent,
            OfferState::Accepted,
            None,
            now,
        )? {
            return Ok(Acceptance::AlreadyAccepted);
        }
        record(
            conn,
            None,
            &offer,
            OfferState::Accepted,
            Some("accepted by the buyer"),
            now,
        )?;
        let n = named(conn, &offer)?;
        if n.lead.status != LeadStatus::Won {
            n.lead.set_status(conn, LeadStatus::Won, now)?;
            let won = LeadEvent::StatusChanged {
                from: n.lead.status,
                to: LeadStatus::Won,
                reason: Some(format!("the buyer accepted offer {}", offer.id)),
            };
            lead_event::record(conn, offer.lead_id, None, &won, now)?;
            follow_up::clear(conn, offer.lead_id)?;
        }
        let (terms, until) = (offer.price_text(), desk.hours.format(offer.valid_until));
        let f = facts(&offer, &n, &terms, &until);
        let lines = vec![
            "The buyer accepted the quote and asks for the invoice.".to_owned(),
            summary(&f),
            "The lead is marked won. Send the invoice and the report:".into(),
        ];
        let mut mails = Vec::new();
        let owner = match n.lead.assignee_id {
            Some(id) => User::find(conn, id)?,
            None => None,
        };
        if let Some(owner) = &owner {
            let notice = StaffNotice {
                kind: MailKind::QuoteAccepted,
                to: (&owner.name, &owner.email),
                subject: format!("Quote accepted: {}", f.company),
                lines: lines.clone(),
            };
            mails.push(staff_notice(notice, &f, desk.setup)?);
        }
        let notice = StaffNotice {
            kind: MailKind::QuoteAccepted,
            to: ("", &desk.setup.sales_inbox),
            subject: format!("Quote accepted: {}", f.company),
            lines,
        };
        mails.push(staff_notice(notice, &f, desk.setup)?);
        insert_mails(conn, &mails, now)?;
        Ok(Acceptance::Accepted)
    })
}

/// The buyer of an expired quote asks for a new one: its owner (or the
/// sales inbox) is mailed, and the lead's timeline says so.
pub fn ask_renewal(
    conn: &mut DbConnection,
    offer_id: i64,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<(), OfferError> {
    let offer = Offer::find(conn, offer_id)?.ok_or(OfferError::NotFound)?;
    let target = format!("offer {} on lead {}", offer.id, offer.lead_id);
    let entry = AuditEntry {
        actor: None,
        action: AuditAction::OfferChanged,
        target: &target,
        detail: "the buyer asked for a new quote",
    };
    audited(conn, &entry, now, |conn| {
        let n = named(conn, &offer)?;
        let event = LeadEvent::OfferChanged {
            offer_id: offer.id,
            state: offer.state.as_db().to_owned(),
            terms: format!("{}: {}", offer.licence, offer.price_text()),
            note: Some("the buyer asked for a new quote".into()),
        };
        lead_event::record(conn, offer.lead_id, None, &event, now)?;
        let (terms, until) = (offer.price_text(), desk.hours.format(offer.valid_until));
        let f = facts(&offer, &n, &terms, &until);
        let owner = match n.lead.assignee_id {
            Some(id) => User::find(conn, id)?,
            None => None,
        };
        let to = owner
            .as_ref()
            .map_or(("", desk.setup.sales_inbox.as_str()), |o| {
                (&o.name, &o.email)
            });
        let notice = StaffNotice {
            kind: MailKind::QuoteRenewalAsked,
            to,
            subject: format!("{} asks for a new quote", f.company),
            lines: vec![
                "The buyer opened an expired quote and asks for a new one.".into(),
                summary(&f),
                "Make a new offer on the lead's page:".into(),
            ],
        };
        insert_mails(conn, &[staff_notice(notice, &f, desk.setup)?], now)?;
        Ok(())
    })
}

/// What the quote page shows.
pub struct QuoteSheet {
    pub offer: Offer,
    pub report_title: String,
    pub licence_name: String,
    pub licence_description: String,
    pub company: String,
    pub buyer_name: String,
}

/// The offer behind a quote link, expired first if its date has passed.
pub fn sheet(conn: &mut DbConnection, offer_id: i64, now: i64) -> Result<QuoteSheet, OfferError> {
    write_transaction(conn, |conn| {
        let offer = current(conn, offer_id, now)?;
        let n = named(conn, &offer)?;
        let description = crate::db::models::report::pricing(conn, n.lead.report_id)?
            .tier(&offer.licence)
            .map(|tier| tier.description.clone())
            .unwrap_or_default();
        let contact = crate::db::models::contact::Contact::find(conn, n.lead.contact_id)?
            .ok_or(OfferError::NotFound)?;
        let sent = n.lead.submitted.or(contact.details());
        Ok(QuoteSheet {
            report_title: n.report_title.clone(),
            licence_name: n.licence_name.clone(),
            licence_description: description,
            company: sent.company.to_owned(),
            buyer_name: sent.name.to_owned(),
            offer,
        })
    })
}
