//! A buyer's request as submitted (`LeadFormInput`, plain strings) and as the
//! business accepts it (`LeadRequest`, built only from checked values).

use serde::Deserialize;

use super::country::Country;
use super::email::EmailAddress;
use super::lead_kind::LeadKind;
use super::licence::Licence;
use super::phone::PhoneNumber;
use super::pricing::{currency_code, parse_amount};
use super::text::{multi_line, optional_single_line, single_line};

/// The form fields exactly as posted; every field defaults to empty so a missing
/// field is reported beside the field instead of failing the whole request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LeadFormInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub job_title: String,
    pub country: String,
    pub message: String,
    pub consent: String,
    pub marketing_opt_in: String,
    pub licence: String,
    pub budget: String,
    /// The currency the discount form showed prices in (hidden field).
    pub currency: String,
    /// The price the buyer would pay, in that currency.
    pub target_price: String,
    pub form_token: String,
    /// Honeypot: hidden from people, filled by bots.
    pub website: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeadRequest {
    pub kind: LeadKind,
    pub name: String,
    pub email: EmailAddress,
    pub phone: Option<PhoneNumber>,
    pub company: String,
    pub job_title: Option<String>,
    pub country: Country,
    pub message: Option<String>,
    pub marketing_opt_in: bool,
    pub licence: Option<Licence>,
    pub budget: Option<String>,
    /// A discount request's currency (a valid ISO 4217 code, when sent).
    pub currency: Option<String>,
    /// The target price typed, in minor units of `currency`.
    pub asked_price: Option<i64>,
}

/// Problems by field name, in the order the fields appear on the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, problem: String) {
        self.0.push((field, problem));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, p)| p.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

pub const NAME_CHARS: (usize, usize) = (2, 100);
pub const COMPANY_MAX_CHARS: usize = 120;
pub const JOB_TITLE_MAX_CHARS: usize = 120;
pub const MESSAGE_MAX_CHARS: usize = 5000;
pub const INQUIRY_MESSAGE_MIN_CHARS: usize = 10;
pub const BUDGET_MAX_CHARS: usize = 100;
/// The value the consent checkbox posts.
pub const CONSENT_VALUE: &str = "yes";

impl LeadRequest {
    /// Checks every field and reports all problems at once.
    pub fn parse(kind: LeadKind, input: &LeadFormInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = keep(
            &mut errors,
            "name",
            single_line(&input.name, "Name", NAME_CHARS.0, NAME_CHARS.1),
        );
        let email = keep(&mut errors, "email", EmailAddress::parse(&input.email));
        let phone = keep(
            &mut errors,
            "phone",
            PhoneNumber::parse_optional(&input.phone),
        );
        let company = keep(
            &mut errors,
            "company",
            single_line(&input.company, "Company", 1, COMPANY_MAX_CHARS),
        );
        let job_title = keep(
            &mut errors,
            "job_title",
            optional_single_line(&input.job_title, "Job title", JOB_TITLE_MAX_CHARS),
        );
        let country = keep(&mut errors, "country", Country::parse(&input.country));
        let message = keep(&mut errors, "message", parse_message(kind, &input.message));
        let licence = keep(
            &mut errors,
            "licence",
            match kind {
                LeadKind::Discount => Licence::parse(&input.licence).map(Some),
                _ => Ok(None),
            },
        );
        let budget = keep(
            &mut errors,
            "budget",
            match kind {
                LeadKind::Discount => {
                    optional_single_line(&input.budget, "Budget", BUDGET_MAX_CHARS)
                }
                _ => Ok(None),
            },
        );
        let currency = match kind {
            LeadKind::Discount => currency_code(&input.currency),
            _ => None,
        };
        let asked_price = keep(
            &mut errors,
            "target_price",
            match (kind, input.target_price.trim().is_empty(), &currency) {
                (LeadKind::Discount, false, Some(currency)) => {
                    parse_amount(&input.target_price, currency).map(Some)
                }
                (LeadKind::Discount, false, None) => {
                    Err("Open the form from the report page to give a target price".to_owned())
                }
                _ => Ok(None),
            },
        );
        let consent = keep(
            &mut errors,
            "consent",
            if input.consent == CONSENT_VALUE {
                Ok(())
            } else {
                Err("Tick the box to let us use your details to answer this request".to_owned())
            },
        );
        match (
            name,
            email,
            phone,
            company,
            job_title,
            country,
            message,
            licence,
            budget,
            asked_price,
            consent,
        ) {
            (
                Some(name),
                Some(email),
                Some(phone),
                Some(company),
                Some(job_title),
                Some(country),
                Some(message),
                Some(licence),
                Some(budget),
                Some(asked_price),
                Some(()),
            ) => Ok(Self {
                kind,
                name,
                email,
                phone,
                company,
                job_title,
                country,
                message,
                marketing_opt_in: !input.marketing_opt_in.is_empty(),
                licence,
                budget,
                currency,
                asked_price,
            }),
            _ => Err(errors),
        }
    }
}

/// Records a field's problem and yields its value when it has none.
fn keep<T>(errors: &mut FieldErrors, field: &'static str, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(problem) => {
            errors.add(field, problem);
            None
        }
    }
}

fn parse_message(kind: LeadKind, value: &str) -> Result<Option<String>, String> {
    if kind.message_required() {
        multi_line(
            value,
            "Message",
            INQUIRY_MESSAGE_MIN_CHARS,
            MESSAGE_MAX_CHARS,
        )
        .map(Some)
    } else if value.trim().is_empty() {
        Ok(None)
    } else {
        multi_line(value, "Message", 1, MESSAGE_MAX_CHARS).map(Some)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
