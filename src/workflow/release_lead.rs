//! A person decides a lead held as spam is real: it becomes `new`, gets an
//! owner, and its notifications go out as if it had just come in.

use super::LeadChangeError;
use super::assign_owner::assign_new_lead;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event::{self, EventRow};
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::ReportRef;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_status::LeadStatus;
use crate::domain::scoring::Score;
use crate::mail::compose::{LeadFacts, LeadMailContext, MailSetup, ReportLink, lead_mails};

pub fn release_lead(
    conn: &mut DbConnection,
    id: i64,
    actor: i64,
    now: i64,
    setup: &MailSetup,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        if lead.status != LeadStatus::Spam {
            return Err(LeadChangeError::Refused(
                "Only a lead held as spam can be released",
            ));
        }
        let contact = Contact::find(conn, lead.contact_id)?.ok_or(LeadChangeError::NotFound)?;
        let report = ReportRef::find(conn, lead.report_id)?.ok_or(LeadChangeError::NotFound)?;
        lead.set_status(conn, LeadStatus::New, now)?;
        let released = LeadEvent::Released {
            spam_reason: lead.spam_reason.clone(),
        };
        lead_event::record(conn, id, Some(actor), &released, now)?;
        let owner = match lead.assignee_id {
            Some(_) => None,
            None => assign_new_lead(conn, id, &contact.country, now)?,
        };
        let score = Score {
            value: lead.score,
            reasons: score_reasons(conn, id)?,
        };
        let facts = LeadFacts::from_stored(&lead, &contact);
        let attribution = lead.attribution();
        let link = ReportLink {
            id: report.id,
            slug: &report.slug,
            title: &report.title,
        };
        let received_at = lead.created_at;
        let ctx = LeadMailContext::new(id, &facts, link, &score, &attribution, received_at, setup);
        insert_mails(conn, &lead_mails(&ctx, setup, owner.as_ref())?, now)?;
        Ok(())
    })
}

/// The reasons the lead was scored as it was, from its `created` event.
fn score_reasons(conn: &mut DbConnection, id: i64) -> diesel::QueryResult<Vec<String>> {
    let events = EventRow::of_leads(conn, &[id])?;
    Ok(events
        .iter()
        .find_map(|row| match row.event() {
            Ok(LeadEvent::Created { reasons, .. }) => Some(reasons),
            _ => None,
        })
        .unwrap_or_default())
}
