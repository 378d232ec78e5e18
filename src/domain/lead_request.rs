//! A buyer's request as submitted (`LeadFormInput`, plain strings) and as the
//! business accepts it (`LeadRequest`, built only from checked values).

use serde::Deserialize;

use super::country::Country;
use super::email::EmailAddress;
use super::lead_kind::LeadKind;
use super::licence::Licence;
use super::phone::PhoneNumber;
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
            name, email, phone, company, job_title, country, message, licence, budget, consent,
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
mod tests {
    use super::*;

    pub fn valid_input() -> LeadFormInput {
        LeadFormInput {
            name: "Jane Doe".into(),
            email: "jane@acme-health.com".into(),
            phone: "+44 20 7946 0958".into(),
            company: "Acme Health".into(),
            job_title: "Head of Strategy".into(),
            country: "GB".into(),
            message: "We need the oncology segment for 2030.".into(),
            consent: "yes".into(),
            licence: "multi".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses_for_every_kind() {
        for kind in LeadKind::ALL {
            let lead = LeadRequest::parse(kind, &valid_input()).unwrap();
            assert_eq!(lead.kind, kind);
            assert_eq!(lead.country.code(), "GB");
            assert_eq!(lead.licence.is_some(), kind == LeadKind::Discount);
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_in_form_order() {
        let input = LeadFormInput {
            name: "J".into(),
            email: "not-an-email".into(),
            ..Default::default()
        };
        let errors = LeadRequest::parse(LeadKind::Discount, &input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["name", "email", "company", "country", "licence", "consent"]
        );
    }

    #[test]
    fn an_inquiry_needs_a_message_of_ten_characters() {
        let mut input = valid_input();
        input.message = "Price?".into();
        let errors = LeadRequest::parse(LeadKind::Inquiry, &input).unwrap_err();
        assert_eq!(
            errors.get("message"),
            Some("Message must be at least 10 characters")
        );
        assert!(LeadRequest::parse(LeadKind::SampleRequest, &input).is_ok());
    }

    #[test]
    fn consent_must_be_given_explicitly() {
        let mut input = valid_input();
        input.consent = "on".into();
        assert!(
            LeadRequest::parse(LeadKind::SampleRequest, &input)
                .unwrap_err()
                .get("consent")
                .is_some()
        );
    }

    #[test]
    fn the_marketing_opt_in_is_separate_and_off_unless_ticked() {
        let mut input = valid_input();
        assert!(
            !LeadRequest::parse(LeadKind::Inquiry, &input)
                .unwrap()
                .marketing_opt_in
        );
        input.marketing_opt_in = "yes".into();
        assert!(
            LeadRequest::parse(LeadKind::Inquiry, &input)
                .unwrap()
                .marketing_opt_in
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Any form post: every field any string, read as the handler reads it.
    fn any_input() -> impl Strategy<Value = LeadFormInput> {
        const FIELDS: [&str; 11] = [
            "name",
            "email",
            "phone",
            "company",
            "job_title",
            "country",
            "message",
            "consent",
            "marketing_opt_in",
            "licence",
            "budget",
        ];
        prop::array::uniform11(any::<String>()).prop_map(|values| {
            let posted: Vec<(&str, String)> = FIELDS.into_iter().zip(values).collect();
            let body = serde_urlencoded::to_string(posted).unwrap();
            serde_urlencoded::from_str(&body).unwrap()
        })
    }

    fn valid_input() -> impl Strategy<Value = LeadFormInput> {
        (
            "[A-Z][a-z]{1,20}( [A-Z][a-z]{1,20})?",
            "[a-z][a-z0-9._]{0,20}[a-z0-9]@[a-z]{2,12}\\.(com|org|co\\.uk|de)",
            prop::option::of("\\+[1-9][0-9]{0,2} [0-9]{3} [0-9]{4}"),
            "[A-Za-z0-9&.,' -]{1,100}[A-Za-z0-9]",
            prop::sample::select(vec!["US", "GB", "DE", "IN", "JP", "BR", "ZA"]),
            "[A-Za-z0-9 ,.?!\n]{10,400}",
            prop::sample::select(vec!["single", "multi", "enterprise"]),
        )
            .prop_map(|(name, email, phone, company, country, message, licence)| {
                LeadFormInput {
                    name,
                    email,
                    phone: phone.unwrap_or_default(),
                    company,
                    country: country.into(),
                    message: format!("Q: {message} end"),
                    consent: "yes".into(),
                    licence: licence.into(),
                    ..Default::default()
                }
            })
    }

    proptest! {
        #[test]
        fn arbitrary_field_strings_never_panic_the_parser(input in any_input()) {
            for kind in LeadKind::ALL {
                let _ = LeadRequest::parse(kind, &input);
            }
        }

        #[test]
        fn generated_valid_inputs_always_parse(input in valid_input()) {
            for kind in LeadKind::ALL {
                let parsed = LeadRequest::parse(kind, &input);
                prop_assert!(parsed.is_ok(), "{kind:?}: {parsed:?}");
            }
        }

        #[test]
        fn no_accepted_single_line_field_contains_a_line_break(input in any_input()) {
            if let Ok(lead) = LeadRequest::parse(LeadKind::Discount, &input) {
                for value in [lead.name.as_str(), lead.company.as_str(), lead.email.as_str()] {
                    prop_assert!(!value.contains(['\r', '\n']));
                }
            }
        }
    }
}
