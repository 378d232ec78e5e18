//! Leads read as the API and the webhooks show them (`LeadJson`), in one
//! query for any number of leads.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event::EventRow;
use crate::db::schema::{contacts, leads, reports, users};
use crate::domain::lead_json::{
    AttributionJson, ConsentJson, ContactJson, EventJson, LeadJson, ReportJson, UserJson, api_time,
};

type Row = (Lead, Contact, (i64, String, String), Option<(i64, String)>);

/// The leads with these ids, in the order given (unknown ids are left out);
/// `with_events` adds each one's timeline.
pub fn load(conn: &mut DbConnection, ids: &[i64], with_events: bool) -> QueryResult<Vec<LeadJson>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = leads::table
        .inner_join(contacts::table)
        .inner_join(reports::table)
        .left_join(users::table)
        .filter(leads::id.eq_any(ids))
        .select((
            Lead::as_select(),
            Contact::as_select(),
            (reports::id, reports::slug, reports::title),
            (users::id, users::name).nullable(),
        ))
        .load(conn)?;
    let mut events: HashMap<i64, Vec<EventJson>> = HashMap::new();
    if with_events {
        for row in EventRow::of_leads(conn, ids)? {
            events.entry(row.lead_id).or_default().push(event_json(row));
        }
    }
    let mut by_id: HashMap<i64, LeadJson> = rows
        .into_iter()
        .map(|row| {
            let id = row.0.id;
            let lead_events = with_events.then(|| events.remove(&id).unwrap_or_default());
            (id, lead_json(row, lead_events))
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

fn lead_json((lead, contact, report, owner): Row, events: Option<Vec<EventJson>>) -> LeadJson {
    let details = lead.submitted.or(contact.details());
    let contact_json = ContactJson {
        id: contact.id,
        name: details.name.to_owned(),
        email: contact.email_normalized.clone(),
        company: details.company.to_owned(),
        job_title: details.job_title.map(str::to_owned),
        phone: details.phone.map(str::to_owned),
        country: details.country.to_owned(),
    };
    LeadJson {
        id: lead.id,
        kind: lead.kind.as_db().to_owned(),
        status: lead.status.as_db().to_owned(),
        score: lead.score,
        created_at: api_time(lead.created_at),
        updated_at: api_time(lead.updated_at),
        first_response_at: lead.first_response_at.map(api_time),
        licence: lead.licence.map(|l| l.as_db().to_owned()),
        contact: contact_json,
        report: ReportJson {
            id: report.0,
            slug: report.1,
            title: report.2,
            updated_at: None,
        },
        owner: owner.map(|(id, name)| UserJson {
            id,
            name,
            role: None,
            active: None,
        }),
        attribution: AttributionJson {
            utm_source: lead.utm_source,
            utm_medium: lead.utm_medium,
            utm_campaign: lead.utm_campaign,
            referrer: lead.referrer,
            landing_path: lead.landing_path,
        },
        consent: ConsentJson {
            text_version: lead.consent_text_version,
            given_at: api_time(lead.consent_at),
            marketing_opt_in: lead.marketing_opt_in,
        },
        budget: lead.budget,
        message: lead.message,
        spam_reason: lead.spam_reason,
        events,
    }
}

fn event_json(row: EventRow) -> EventJson {
    let detail = serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null);
    EventJson {
        id: row.id,
        kind: row.kind,
        at: api_time(row.created_at),
        actor: row.actor_user_id.map(|id| UserJson {
            id,
            name: row.actor_name.unwrap_or_default(),
            role: None,
            active: None,
        }),
        detail,
    }
}
