//! `/admin/leads/{id}` and `/admin/contacts/{id}`: a lead with everything
//! around it, and a contact with its leads.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event::EventRow;
use crate::db::models::outbox::MailRow;
use crate::db::schema::{leads, reports};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;

/// Another lead of the same contact, as a line in a list.
#[derive(Debug, Clone, Queryable)]
pub struct LeadSummary {
    pub id: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub created_at: i64,
    pub report_title: String,
}

pub struct LeadDetail {
    pub lead: Lead,
    pub contact: Contact,
    pub report_title: String,
    pub report_slug: String,
    pub other_leads: Vec<LeadSummary>,
    pub events: Vec<EventRow>,
    pub mails: Vec<MailRow>,
    pub inbound: Vec<crate::db::models::inbound_mail::InboundRow>,
    /// Its events' webhook deliveries to the CRM.
    pub deliveries: Vec<crate::db::models::webhook_delivery::DeliveryRow>,
    /// A discount request's list and target price.
    pub price: Option<crate::domain::pricing::PriceRequest>,
    /// Offers made on it, newest first.
    pub offers: Vec<crate::db::models::offer::Offer>,
    /// The report's licences and prices, for a lead that may get offers.
    pub pricing: crate::domain::pricing::ReportPricing,
}

pub fn lead_detail(conn: &mut DbConnection, id: i64) -> QueryResult<Option<LeadDetail>> {
    let Some(lead) = Lead::find(conn, id)? else {
        return Ok(None);
    };
    let contact = Contact::find(conn, lead.contact_id)?.ok_or(diesel::result::Error::NotFound)?;
    let (report_title, report_slug) = reports::table
        .find(lead.report_id)
        .select((reports::title, reports::slug))
        .first(conn)?;
    let mut other_leads = contact_leads(conn, lead.contact_id)?;
    other_leads.retain(|other| other.id != id);
    Ok(Some(LeadDetail {
        events: EventRow::of_leads(conn, &[id])?,
        mails: MailRow::of_lead(conn, id)?,
        inbound: crate::db::models::inbound_mail::of_lead(conn, id)?,
        deliveries: crate::db::models::webhook_delivery::DeliveryRow::of_lead(conn, id)?,
        price: crate::db::models::lead_price::of_lead(conn, id)?,
        offers: crate::db::models::offer::Offer::of_lead(conn, id)?,
        pricing: match lead.kind {
            crate::domain::lead_kind::LeadKind::SampleRequest => Default::default(),
            _ => crate::db::models::report::pricing(conn, lead.report_id)?,
        },
        lead,
        contact,
        report_title,
        report_slug,
        other_leads,
    }))
}

/// A contact's leads, newest first.
fn contact_leads(conn: &mut DbConnection, contact_id: i64) -> QueryResult<Vec<LeadSummary>> {
    leads::table
        .inner_join(reports::table)
        .filter(leads::contact_id.eq(contact_id))
        .order(leads::created_at.desc())
        .select((
            leads::id,
            leads::kind,
            leads::status,
            leads::created_at,
            reports::title,
        ))
        .load(conn)
}

/// A contact and its leads.
pub fn contact_with_leads(
    conn: &mut DbConnection,
    contact_id: i64,
) -> QueryResult<Option<(Contact, Vec<LeadSummary>)>> {
    match Contact::find(conn, contact_id)? {
        Some(contact) => Ok(Some((contact, contact_leads(conn, contact_id)?))),
        None => Ok(None),
    }
}
