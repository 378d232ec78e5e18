//! Offers on a lead, from a rep's proposal to the buyer's acceptance. Each
//! step is one transaction: the offer's new state (moved only from the state
//! it was read in), a lead event, an audit entry, and the mails it causes.

use super::quote::quote_path;
use crate::db::models::audit_entry::AuditEntry;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::offer::{Decision, NewOffer, Offer, move_state};
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::{ReportRef, pricing};
use crate::db::models::user::User;
use crate::db::queries::conversation::thread_of_lead;
use crate::db::{DbConnection, write_transaction};
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::MailKind;
use crate::domain::offer::{DiscountLimits, OfferAction, OfferRefused, OfferState, Step};
use crate::domain::pricing::{discount_percent, format_price};
use crate::domain::role::Role;
use crate::domain::working_hours::WorkingHours;
use crate::mail::compose::MailSetup;
use crate::mail::offer_mail::{OfferFacts, Quote, StaffNotice, quote_mail, staff_notice, summary};

#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error("no such offer or lead")]
    NotFound,
    /// Expected: the page says why.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<OfferRefused> for OfferError {
    fn from(refused: OfferRefused) -> Self {
        let text = refused.to_string();
        let mut chars = text.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        Self::Refused(format!("{}{}.", first.unwrap_or_default(), chars.as_str()))
    }
}

fn refused(text: &str) -> OfferError {
    OfferError::Refused(text.to_owned())
}

/// What the offer steps need beyond the database.
pub struct OfferDesk<'a> {
    pub limits: DiscountLimits,
    pub setup: &'a MailSetup,
    pub hours: &'a WorkingHours,
}

/// A rep's proposal, as typed.
pub struct Proposal<'a> {
    pub lead_id: i64,
    pub licence: &'a str,
    pub currency: &'a str,
    pub price_minor: i64,
    pub valid_until: i64,
}

/// The names an offer's mails and events use.
pub(crate) struct Named {
    pub(crate) lead: Lead,
    pub(crate) report_title: String,
    pub(crate) licence_name: String,
}

pub(crate) fn named(conn: &mut DbConnection, offer: &Offer) -> Result<Named, OfferError> {
    let lead = Lead::find(conn, offer.lead_id)?.ok_or(OfferError::NotFound)?;
    let report = ReportRef::find(conn, lead.report_id)?.ok_or(OfferError::NotFound)?;
    let licence_name = pricing(conn, lead.report_id)?
        .tier(&offer.licence)
        .map_or_else(|| offer.licence.clone(), |tier| tier.name.clone());
    Ok(Named {
        lead,
        report_title: report.title,
        licence_name,
    })
}

/// The offer's lead event and audit entry.
pub(crate) fn record(
    conn: &mut DbConnection,
    actor: Option<i64>,
    offer: &Offer,
    state: OfferState,
    note: Option<&str>,
    now: i64,
) -> Result<(), OfferError> {
    let terms = offer.price_text();
    let event = LeadEvent::OfferChanged {
        offer_id: offer.id,
        state: state.as_db().to_owned(),
        terms: format!("{}: {terms}", offer.licence),
        note: note.map(str::to_owned),
    };
    lead_event::record(conn, offer.lead_id, actor, &event, now)?;
    let target = format!("offer {} on lead {}", offer.id, offer.lead_id);
    let detail = format!("{}: {terms}", state.label());
    AuditEntry {
        actor,
        action: AuditAction::OfferChanged,
        target: &target,
        detail: &detail,
    }
    .record(conn, now)?;
    Ok(())
}

pub(crate) fn facts<'a>(
    offer: &Offer,
    n: &'a Named,
    terms: &'a str,
    valid_until: &'a str,
) -> OfferFacts<'a> {
    OfferFacts {
        offer_id: offer.id,
        lead_id: offer.lead_id,
        report_title: &n.report_title,
        licence: &n.licence_name,
        company: n.lead.submitted.company.as_deref().unwrap_or("the buyer"),
        terms,
        valid_until,
    }
}

/// Proposes an offer: approved at once within the proposer's limit,
/// waiting for an admin above it (the admins are mailed), refused past the
/// admins' limit. Answers the offer's id and state.
pub fn propose(
    conn: &mut DbConnection,
    proposer: &User,
    p: &Proposal<'_>,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<(i64, OfferState), OfferError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, p.lead_id)?.ok_or(OfferError::NotFound)?;
        if !matches!(lead.kind, LeadKind::Discount | LeadKind::Inquiry) {
            return Err(refused(
                "Offers are made on discount requests and inquiries.",
            ));
        }
        if matches!(
            lead.status,
            LeadStatus::Won | LeadStatus::Lost | LeadStatus::Spam
        ) {
            return Err(refused(
                "This lead is closed: reopen it before making an offer.",
            ));
        }
        if p.valid_until <= now {
            return Err(refused("The offer must be valid until a later date."));
        }
        let prices = pricing(conn, lead.report_id)?;
        let tier = prices
            .tier(p.licence)
            .ok_or_else(|| refused("The report is not sold under that licence."))?;
        let list = tier.price_in(p.currency).ok_or_else(|| {
            OfferError::Refused(format!(
                "The {} licence has no list price in {}.",
                tier.name, p.currency
            ))
        })?;
        if p.price_minor > list {
            return Err(refused("An offer's price cannot be above the list price."));
        }
        let discount = discount_percent(list, p.price_minor);
        let step = Step {
            action: OfferAction::Submit,
            actor: proposer.role,
            discount_percent: discount,
        };
        let state = OfferState::Draft.after(step, &desk.limits)?;
        let id = NewOffer {
            lead_id: p.lead_id,
            licence: p.licence,
            currency: p.currency,
            list_price_minor: list,
            price_minor: p.price_minor,
            discount_percent: discount,
            valid_until: p.valid_until,
            state,
            proposed_by: proposer.id,
        }
        .insert(conn, now)?;
        let offer = Offer::find(conn, id)?.ok_or(OfferError::NotFound)?;
        record(conn, Some(proposer.id), &offer, state, None, now)?;
        if state == OfferState::AwaitingApproval {
            let n = named(conn, &offer)?;
            let (terms, until) = (offer.price_text(), desk.hours.format(offer.valid_until));
            let f = facts(&offer, &n, &terms, &until);
            let mut mails = Vec::new();
            for admin in User::active(conn)?.into_iter().filter(User::is_admin) {
                let notice = StaffNotice {
                    kind: MailKind::OfferWaiting,
                    to: (&admin.name, &admin.email),
                    subject: format!("Offer {id} waits for your approval ({discount:.1} % off)"),
                    lines: vec![
                        format!(
                            "{} proposes a discount above the sales limit.",
                            proposer.name
                        ),
                        summary(&f),
                        "Approve it with a note, or decline it with a reason, on the lead's page:"
                            .into(),
                    ],
                };
                mails.push(staff_notice(notice, &f, desk.setup)?);
            }
            insert_mails(conn, &mails, now)?;
        }
        Ok((id, state))
    })
}

/// An offer read for a step, expired first if its date has passed (so a
/// late step is refused with the reason, and the expiry is on record).
pub(crate) fn current(
    conn: &mut DbConnection,
    offer_id: i64,
    now: i64,
) -> Result<Offer, OfferError> {
    let offer = Offer::find(conn, offer_id)?.ok_or(OfferError::NotFound)?;
    if now <= offer.valid_until || offer.state.is_final() || offer.state == OfferState::Draft {
        return Ok(offer);
    }
    if move_state(conn, offer.id, offer.state, OfferState::Expired, None, now)? {
        record(conn, None, &offer, OfferState::Expired, None, now)?;
    }
    Offer::find(conn, offer_id)?.ok_or(OfferError::NotFound)
}

/// Moves an offer one step, recorded; refused when the state machine, the
/// role or a concurrent change says no.
fn step(
    conn: &mut DbConnection,
    actor: &User,
    offer: &Offer,
    action: OfferAction,
    desk: &OfferDesk<'_>,
    note: Option<&str>,
    now: i64,
) -> Result<OfferState, OfferError> {
    let step = Step {
        action,
        actor: actor.role,
        discount_percent: offer.discount_percent,
    };
    let next = offer.state.after(step, &desk.limits)?;
    let decision = matches!(action, OfferAction::Approve | OfferAction::Decline)
        .then_some(Decision { by: actor.id, note });
    if !move_state(conn, offer.id, offer.state, next, decision, now)? {
        return Err(refused("The offer changed meanwhile: reload the page."));
    }
    record(conn, Some(actor.id), offer, next, note, now)?;
    Ok(next)
}

/// An admin approves (with an optional note) or declines (with a reason) a
/// waiting offer; its proposer is mailed.
pub fn decide(
    conn: &mut DbConnection,
    admin: &User,
    offer_id: i64,
    approve: bool,
    note: &str,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<OfferState, OfferError> {
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    if !approve && note.is_none() {
        return Err(refused("Say why the offer is declined."));
    }
    if admin.role != Role::Admin {
        return Err(OfferRefused::AdminsOnly.into());
    }
    write_transaction(conn, |conn| {
        let offer = current(conn, offer_id, now)?;
        let action = if approve {
            OfferAction::Approve
        } else {
            OfferAction::Decline
        };
        let next = step(conn, admin, &offer, action, desk, note, now)?;
        let Some(proposer) = User::find(conn, offer.proposed_by)? else {
            return Ok(next);
        };
        let n = named(conn, &offer)?;
        let (terms, until) = (offer.price_text(), desk.hours.format(offer.valid_until));
        let f = facts(&offer, &n, &terms, &until);
        let verdict = if approve { "approved" } else { "declined" };
        let mut lines = vec![format!("{} {verdict} your offer.", admin.name), summary(&f)];
        if let Some(note) = note {
            lines.push(format!("Their note: {note}"));
        }
        if approve {
            lines.push("Send it to the buyer from the lead's page:".into());
        }
        let notice = StaffNotice {
            kind: MailKind::OfferDecided,
            to: (&proposer.name, &proposer.email),
            subject: format!("Offer {} {verdict}", offer.id),
            lines,
        };
        insert_mails(conn, &[staff_notice(notice, &f, desk.setup)?], now)?;
        Ok(next)
    })
}

/// Withdraws an open offer (a link already sent stops working).
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &User,
    offer_id: i64,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<OfferState, OfferError> {
    write_transaction(conn, |conn| {
        let offer = current(conn, offer_id, now)?;
        step(conn, actor, &offer, OfferAction::Withdraw, desk, None, now)
    })
}

/// Sends an approved offer to the buyer: the quote mail with its link,
/// threaded with the lead's conversation.
pub fn send(
    conn: &mut DbConnection,
    actor: &User,
    offer_id: i64,
    desk: &OfferDesk<'_>,
    now: i64,
) -> Result<OfferState, OfferError> {
    write_transaction(conn, |conn| {
        let offer = current(conn, offer_id, now)?;
        let n = named(conn, &offer)?;
        let contact = Contact::find(conn, n.lead.contact_id)?.ok_or(OfferError::NotFound)?;
        if contact.erased_at.is_some() {
            return Err(refused(
                "The buyer's details were erased: there is no address to send to.",
            ));
        }
        let next = step(conn, actor, &offer, OfferAction::Send, desk, None, now)?;
        let (terms, until) = (offer.price_text(), desk.hours.format(offer.valid_until));
        let sent = n.lead.submitted.or(contact.details());
        let thread = thread_of_lead(conn, offer.lead_id)?;
        let path = quote_path(desk.setup, &offer);
        let quote = Quote {
            facts: facts(&offer, &n, &terms, &until),
            buyer_name: sent.name,
            buyer_email: &contact.email_normalized,
            list_price: &format_price(offer.list_price_minor, &offer.currency),
            discount: &format!("{:.1} %", offer.discount_percent),
            price: &format_price(offer.price_minor, &offer.currency),
            path: &path,
            writer: &actor.name,
            thread: &thread,
        };
        insert_mails(conn, &[quote_mail(&quote, desk.setup)?], now)?;
        Ok(next)
    })
}
