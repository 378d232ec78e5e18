//! Staff reach the buyer: a mail written on the lead's page (through the
//! outbox, threaded with the lead's earlier mail), or a call or meeting
//! logged. Either is a real contact: the response clock stops at it (for a
//! mail, when the relay accepts it — see the outbox worker).

use super::LeadChangeError;
use super::deliver_sample::new_sample_link;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::ReportRef;
use crate::db::models::user::User;
use crate::db::queries::conversation::{outbox_of_message_id, thread_of_lead};
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_template::SAMPLE_LINK;
use crate::mail::compose::MailSetup;
use crate::mail::desk_mail::{Written, desk_mail};

/// A mail as staff finished it in the compose box.
pub struct Draft<'a> {
    pub subject: &'a str,
    pub body: &'a str,
}

/// The lead, its buyer's contact and report, or why staff cannot write.
fn reachable(
    conn: &mut DbConnection,
    lead_id: i64,
) -> Result<(Lead, Contact, ReportRef), LeadChangeError> {
    let lead = Lead::find(conn, lead_id)?.ok_or(LeadChangeError::NotFound)?;
    if lead.status == LeadStatus::Spam {
        return Err(LeadChangeError::Refused(
            "Release the lead from spam before writing to the buyer",
        ));
    }
    let contact = Contact::find(conn, lead.contact_id)?.ok_or(LeadChangeError::NotFound)?;
    if contact.erased_at.is_some() {
        return Err(LeadChangeError::Refused(
            "The buyer's details were erased: there is no address to write to",
        ));
    }
    let report = ReportRef::find(conn, lead.report_id)?.ok_or(LeadChangeError::NotFound)?;
    Ok((lead, contact, report))
}

/// Queues staff's mail to the buyer. A `{{sample_link}}` in it becomes a
/// fresh sample link, made in the same transaction.
pub fn write_to_buyer(
    conn: &mut DbConnection,
    lead_id: i64,
    writer: &User,
    draft: &Draft<'_>,
    setup: &MailSetup,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let (lead, contact, report) = reachable(conn, lead_id)?;
        let mut body = draft.body.to_owned();
        if body.contains(SAMPLE_LINK) {
            if lead.kind != LeadKind::SampleRequest {
                return Err(LeadChangeError::Refused(
                    "Only a sample request has a sample link: remove {{sample_link}}",
                ));
            }
            let link = new_sample_link(conn, lead_id, &report.slug, Some(writer.id), setup, now)?;
            body = body.replace(SAMPLE_LINK, &link.url);
        }
        let thread = thread_of_lead(conn, lead_id)?;
        let sent = lead.submitted.or(contact.details());
        let mail = desk_mail(
            &Written {
                lead_id,
                writer_name: &writer.name,
                writer_email: &writer.email,
                buyer_name: sent.name,
                buyer_email: &contact.email_normalized,
                subject: draft.subject,
                body: &body,
                thread: &thread,
            },
            setup,
        )?;
        insert_mails(conn, std::slice::from_ref(&mail), now)?;
        let outbox_id =
            outbox_of_message_id(conn, &mail.message_id)?.ok_or(diesel::result::Error::NotFound)?;
        let written = LeadEvent::MailWritten {
            outbox_id,
            subject: mail.subject.clone(),
        };
        lead_event::record(conn, lead_id, Some(writer.id), &written, now)?;
        // Staff have answered: the list stops showing "buyer replied".
        Lead::set_buyer_waiting(conn, lead_id, None, now)?;
        Ok(())
    })
}

/// How staff reached the buyer outside mail.
pub const CHANNELS: [&str; 2] = ["call", "meeting"];

/// "Log contact": a call or meeting, with what was said.
pub fn log_contact(
    conn: &mut DbConnection,
    lead_id: i64,
    channel: &str,
    note: &str,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    let Some(channel) = CHANNELS.into_iter().find(|c| *c == channel) else {
        return Err(LeadChangeError::Refused("Choose call or meeting"));
    };
    write_transaction(conn, |conn| {
        Lead::find(conn, lead_id)?.ok_or(LeadChangeError::NotFound)?;
        let event = LeadEvent::ContactLogged {
            channel: channel.to_owned(),
            note: note.to_owned(),
        };
        lead_event::record(conn, lead_id, Some(actor), &event, now)?;
        if let Some(waited) = Lead::record_contact(conn, lead_id, now)? {
            crate::monitoring::record::first_response(waited);
        }
        Ok(())
    })
}
