//! A buyer's right to erasure, and the retention policy that applies it by
//! itself: spam is deleted after 30 days, and people whose every request ended
//! `lost` or `spam` long ago are erased.

use diesel::prelude::*;

use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::outbox;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;

pub const SPAM_KEPT_DAYS: i64 = 30;
const DAY: i64 = 86_400;

/// Replaces every personal value of a contact, its leads, their events and
/// mails with a marker. Counts, kinds, statuses, scores and dates stay, so
/// reports on volumes still add up. Records who erased (`actor`; `None` =
/// retention). Answers the Message-IDs of the erased mails, whose copies
/// outside the database (`mail::transport::remove_file_copies`) go too; `None`
/// when there was nothing to erase.
pub fn erase_contact(
    conn: &mut DbConnection,
    contact_id: i64,
    actor: Option<i64>,
    now: i64,
) -> QueryResult<Option<Vec<String>>> {
    write_transaction(conn, |conn| {
        if !Contact::erase(conn, contact_id, now)? {
            return Ok(None);
        }
        let lead_ids: Vec<i64> = Lead::of_contact(conn, contact_id)?
            .iter()
            .map(|lead| lead.id)
            .collect();
        Lead::erase_personal(conn, &lead_ids, now)?;
        lead_event::redact_personal(conn, &lead_ids)?;
        let mail_ids = outbox::message_ids_of_leads(conn, &lead_ids)?;
        outbox::erase_of_leads(conn, &lead_ids)?;
        crate::db::models::inbound_mail::erase_of_leads(conn, &lead_ids)?;
        crate::db::models::follow_up::erase_of_leads(conn, &lead_ids)?;
        crate::db::models::webhook_delivery::erase_of_leads(conn, &lead_ids)?;
        let erased = LeadEvent::Erased {
            on_request: actor.is_some(),
        };
        for lead_id in &lead_ids {
            lead_event::record(conn, *lead_id, actor, &erased, now)?;
        }
        Ok(Some(mail_ids))
    })
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub spam_purged: usize,
    pub contacts_erased: usize,
    /// The Message-IDs of the erased contacts' mails.
    pub mail_ids: Vec<String>,
}

pub fn apply_retention(
    conn: &mut DbConnection,
    retention_days: i64,
    now: i64,
) -> QueryResult<RetentionOutcome> {
    let spam = Lead::spam_before(conn, now - SPAM_KEPT_DAYS * DAY)?;
    let spam_ids: Vec<i64> = spam.iter().map(|(id, _)| *id).collect();
    write_transaction(conn, |conn| {
        lead_event::delete_of_leads(conn, &spam_ids)?;
        crate::db::models::inbound_mail::delete_of_leads(conn, &spam_ids)?;
        crate::db::models::follow_up::delete_of_leads(conn, &spam_ids)?;
        outbox::delete_of_leads(conn, &spam_ids)?;
        crate::db::models::webhook_delivery::delete_of_leads(conn, &spam_ids)?;
        // Spam never gets a sample link; were one made, it goes with the lead.
        crate::db::models::sample_delivery::delete_of_leads(conn, &spam_ids)?;
        Lead::delete(conn, &spam_ids)?;
        // Contacts that only ever sent spam go with it.
        for (_, contact_id) in &spam {
            if Lead::count_of_contact(conn, *contact_id)? == 0 {
                Contact::delete(conn, *contact_id)?;
            }
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    let mut erased = 0;
    let mut mail_ids = Vec::new();
    for contact_id in Contact::long_finished(conn, now - retention_days * DAY)? {
        if let Some(ids) = erase_contact(conn, contact_id, None, now)? {
            erased += 1;
            mail_ids.extend(ids);
        }
    }
    Ok(RetentionOutcome {
        spam_purged: spam_ids.len(),
        contacts_erased: erased,
        mail_ids,
    })
}
