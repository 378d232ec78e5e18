//! Samples reach buyers: a link made with the buyer's confirmation when the
//! request is released at once, or later by a person ("Send sample") or by the
//! buyer asking for a fresh link; each download counted, and the first one
//! tells the owner to call.

use super::LeadChangeError;
use super::notify_owner::owner_mailbox;
use crate::content::{SampleContext, current_sample};
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::ReportRef;
use crate::db::models::sample_delivery;
use crate::db::models::user::User;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::mail::compose::MailSetup;
use crate::mail::sample_mail::{
    SampleLink, SampleOpened, SampleRecipient, sample_link_mail, sample_opened_mail,
};
use crate::security::sample_token::SampleClaims;

const DAY: i64 = 86_400;

/// Makes a link to the report's current sample for a lead and records it
/// (the delivery row and a `sample_sent` event by `actor`). Inside the
/// caller's transaction.
pub fn new_sample_link(
    conn: &mut DbConnection,
    lead_id: i64,
    report_slug: &str,
    actor: Option<i64>,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<SampleLink> {
    let samples = SampleContext {
        publisher: setup.publisher.name.clone(),
        public_base: setup.public_base.clone(),
    };
    let sample = current_sample(conn, report_slug, &samples)?;
    let rules = &setup.sample_rules;
    let expires_at = now + rules.link_days * DAY;
    let delivery_id = sample_delivery::create(conn, lead_id, sample.id, now, expires_at)?;
    let token = setup.sample_tokens.sign(&SampleClaims {
        delivery_id,
        lead_id,
        sample_id: sample.id,
        expires_at,
    });
    let sent = LeadEvent::SampleSent {
        delivery_id,
        version: sample.short(),
        expires_at,
    };
    lead_event::record(conn, lead_id, actor, &sent, now)?;
    Ok(SampleLink {
        url: format!("{}/samples/{token}", setup.public_base),
        expires_at,
        max_downloads: rules.max_downloads,
    })
}

/// "Send sample" / "Send again" from the desk (`actor`), or the buyer's
/// "send me a fresh link" (`None`): a new link mailed to the lead's own
/// address. Never to another address, never a new lead.
pub fn send_sample(
    conn: &mut DbConnection,
    lead_id: i64,
    actor: Option<i64>,
    setup: &MailSetup,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, lead_id)?.ok_or(LeadChangeError::NotFound)?;
        if lead.kind != LeadKind::SampleRequest {
            return Err(LeadChangeError::Refused(
                "Only a sample request gets the sample",
            ));
        }
        if lead.status == LeadStatus::Spam {
            return Err(LeadChangeError::Refused(
                "Release the lead from spam before sending it the sample",
            ));
        }
        let contact = Contact::find(conn, lead.contact_id)?.ok_or(LeadChangeError::NotFound)?;
        if contact.erased_at.is_some() {
            return Err(LeadChangeError::Refused(
                "The buyer's details were erased: there is no address to send to",
            ));
        }
        let report = ReportRef::find(conn, lead.report_id)?.ok_or(LeadChangeError::NotFound)?;
        let owner = match lead.assignee_id {
            Some(id) => User::find(conn, id)?,
            None => None,
        };
        let link = new_sample_link(conn, lead_id, &report.slug, actor, setup, now)?;
        let sent = lead.submitted.or(contact.details());
        let recipient = SampleRecipient {
            lead_id,
            name: sent.name,
            email: &contact.email_normalized,
            report_title: &report.title,
            owner: owner.as_ref().map(|o| (o.name.as_str(), o.email.as_str())),
        };
        insert_mails(conn, &[sample_link_mail(&recipient, &link, setup)?], now)?;
        Ok(())
    })
}

/// What a sample link gives.
pub enum Download {
    /// Counted: the version to send (`report_samples.id`).
    File { sample_id: i64 },
    /// Expired, used up, or the buyer's details erased: 410, with a way to
    /// ask for a fresh link (unless erased).
    Gone { lead_id: i64, erased: bool },
}

/// A download through a verified link: counted, recorded, and on the lead's
/// first download the owner is mailed. One transaction; the bytes are the
/// caller's to fetch (they never change for a version).
///
/// A link's downloads after its first are the many: they cost one read, one
/// counting statement and the event. What the buyer's other details say is
/// read only for the first download (the owner's mail) and for a link that
/// was not counted (which page to show).
pub fn download(
    conn: &mut DbConnection,
    claims: &SampleClaims,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<Option<Download>> {
    write_transaction(conn, |conn| -> anyhow::Result<Option<Download>> {
        let Some(link) = sample_delivery::find(conn, claims.delivery_id)? else {
            return Ok(None);
        };
        if link.lead_id != claims.lead_id || link.sample_id != claims.sample_id {
            return Ok(None);
        }
        let first =
            link.downloads == 0 && !sample_delivery::lead_was_downloaded(conn, link.lead_id)?;
        let max = setup.sample_rules.max_downloads;
        if !sample_delivery::count_download(conn, &link, max, now)? {
            return why_not_counted(conn, link.lead_id);
        }
        let downloaded = LeadEvent::SampleDownloaded {
            delivery_id: link.id,
            count: link.downloads + 1,
        };
        lead_event::record(conn, link.lead_id, None, &downloaded, now)?;
        if first {
            tell_owner_it_was_opened(conn, link.lead_id, setup, now)?;
        }
        Ok(Some(Download::File {
            sample_id: link.sample_id,
        }))
    })
}

/// A link that was not counted: its lead is gone (no such link), or it is
/// closed — erased, expired or used up.
fn why_not_counted(conn: &mut DbConnection, lead_id: i64) -> anyhow::Result<Option<Download>> {
    let Some(lead) = Lead::find(conn, lead_id)? else {
        return Ok(None);
    };
    let contact = Contact::find(conn, lead.contact_id)?;
    let erased = contact.is_none_or(|c| c.erased_at.is_some());
    Ok(Some(Download::Gone { lead_id, erased }))
}

/// The owner's "opened the sample — call now" mail, through the outbox.
fn tell_owner_it_was_opened(
    conn: &mut DbConnection,
    lead_id: i64,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<()> {
    let Some(lead) = Lead::find(conn, lead_id)? else {
        return Ok(());
    };
    let (Some(contact), Some(report)) = (
        Contact::find(conn, lead.contact_id)?,
        ReportRef::find(conn, lead.report_id)?,
    ) else {
        return Ok(());
    };
    let to_addr = owner_mailbox(conn, &lead, setup)?;
    let sent = lead.submitted.or(contact.details());
    let opened = SampleOpened {
        lead_id: lead.id,
        buyer: sent.name,
        company: sent.company,
        report_title: &report.title,
        minutes_after: (now - lead.created_at).max(0) / 60,
        to_addr,
    };
    insert_mails(conn, &[sample_opened_mail(&opened, setup)?], now)?;
    Ok(())
}
