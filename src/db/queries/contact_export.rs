//! `/admin/contacts/{id}/export.json`: everything held about a contact — the
//! contact, its leads, their events and mails.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event::EventRow;
use crate::db::models::outbox::MailRow;

pub fn contact_export(conn: &mut DbConnection, contact_id: i64) -> QueryResult<Option<Value>> {
    let Some(contact) = Contact::find(conn, contact_id)? else {
        return Ok(None);
    };
    let mut exported_leads = Vec::new();
    for lead in Lead::of_contact(conn, contact_id)? {
        let events = EventRow::of_leads(conn, &[lead.id])?;
        let mails = MailRow::of_lead(conn, lead.id)?;
        exported_leads.push(json!({
            "id": lead.id,
            "kind": lead.kind.as_db(),
            "name": lead.submitted.name,
            "company": lead.submitted.company,
            "job_title": lead.submitted.job_title,
            "phone": lead.submitted.phone,
            "country": lead.submitted.country,
            "status": lead.status.as_db(),
            "report_id": lead.report_id,
            "message": lead.message,
            "licence": lead.licence.map(|l| l.as_db()),
            "budget": lead.budget,
            "score": lead.score,
            "consent_text_version": lead.consent_text_version,
            "consent_at": lead.consent_at,
            "marketing_opt_in": lead.marketing_opt_in,
            "utm_source": lead.utm_source,
            "utm_medium": lead.utm_medium,
            "utm_campaign": lead.utm_campaign,
            "referrer": lead.referrer,
            "landing_path": lead.landing_path,
            "created_at": lead.created_at,
            "first_response_at": lead.first_response_at,
            "events": events.iter().map(event_json).collect::<Vec<_>>(),
            "mails": mails.iter().map(mail_json).collect::<Vec<_>>(),
        }));
    }
    Ok(Some(json!({
        "contact": {
            "id": contact.id,
            "email": contact.email_normalized,
            "name": contact.name,
            "company": contact.company,
            "phone": contact.phone,
            "country": contact.country,
            "job_title": contact.job_title,
            "created_at": contact.created_at,
            "erased_at": contact.erased_at,
        },
        "leads": exported_leads,
    })))
}

fn event_json(event: &EventRow) -> Value {
    json!({
        "kind": event.kind,
        "detail": event.detail,
        "created_at": event.created_at,
        "actor_user_id": event.actor_user_id,
    })
}

fn mail_json(mail: &MailRow) -> Value {
    json!({
        "kind": mail.kind.as_db(),
        "to": mail.to_addr,
        "reply_to": mail.reply_to,
        "subject": mail.subject,
        "body_text": mail.body_text,
        "status": mail.status.as_db(),
        "sent_at": mail.sent_at,
    })
}
