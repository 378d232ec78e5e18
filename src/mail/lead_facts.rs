//! A lead as its mails describe it: from the request just sent, or from the
//! database when a lead held as spam is released.

use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::domain::country::Country;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_request::LeadRequest;

/// A lead as the mails describe it: from a fresh request, or from the database
/// when a held lead is released.
#[derive(Debug, Clone)]
pub struct LeadFacts {
    pub kind: LeadKind,
    pub name: String,
    pub email: String,
    pub company: String,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub country_code: String,
    pub country_name: String,
    pub message: Option<String>,
    pub licence: Option<&'static str>,
    pub budget: Option<String>,
    pub marketing_opt_in: bool,
}

impl LeadFacts {
    pub fn from_request(request: &LeadRequest) -> Self {
        Self {
            kind: request.kind,
            name: request.name.clone(),
            email: request.email.as_str().to_owned(),
            company: request.company.clone(),
            job_title: request.job_title.clone(),
            phone: request.phone.as_ref().map(|p| p.as_str().to_owned()),
            country_code: request.country.code().to_owned(),
            country_name: request.country.name().to_owned(),
            message: request.message.clone(),
            licence: request.licence.map(|l| l.label()),
            budget: request.budget.clone(),
            marketing_opt_in: request.marketing_opt_in,
        }
    }

    /// A stored lead (released from spam) as its mails describe it.
    pub fn from_stored(lead: &Lead, contact: &Contact) -> Self {
        let sent = lead.submitted.or(contact.details());
        Self {
            kind: lead.kind,
            name: sent.name.to_owned(),
            email: contact.email_normalized.clone(),
            company: sent.company.to_owned(),
            job_title: sent.job_title.map(str::to_owned),
            phone: sent.phone.map(str::to_owned),
            country_code: sent.country.to_owned(),
            country_name: Country::parse(sent.country)
                .map_or(sent.country.to_owned(), |c| c.name().to_owned()),
            message: lead.message.clone(),
            licence: lead.licence.map(|l| l.label()),
            budget: lead.budget.clone(),
            marketing_opt_in: lead.marketing_opt_in,
        }
    }
}
