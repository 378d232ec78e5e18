//! The three lead forms (one template, worded per kind) and the thank-you page.

use crate::domain::response_clock::ResponseTargets;
use crate::domain::sample::SampleRelease;
use crate::format::target_words;
use askama::Template;

use super::licence_choices::{LicenceChoice, licence_choices};
use crate::domain::country::all_countries;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_request::{FieldErrors, LeadFormInput};
use crate::domain::pricing::ReportPricing;
use crate::web::page::PageMeta;

/// Version of the consent sentence in `templates/public/lead_form.html`; stored
/// with every lead so we can show what the buyer agreed to. Change both together.
pub const CONSENT_TEXT_VERSION: &str = "2026-11-25";

pub struct FormWording {
    pub heading: &'static str,
    pub promise: String,
    pub submit: &'static str,
}

/// What the desk promises, from its settings: the first-response target of
/// each kind, and whether samples go out at once.
#[derive(Debug, Clone)]
pub struct Promises {
    pub targets: ResponseTargets,
    pub release: SampleRelease,
}

impl Promises {
    /// "within 4 hours" for the kind.
    fn within(&self, kind: LeadKind) -> String {
        format!("within {}", target_words(&self.targets, kind))
    }

    /// When a requested sample arrives.
    fn sample_arrives(&self) -> String {
        let checked = self.within(LeadKind::SampleRequest);
        match self.release {
            SampleRelease::All => "It arrives within minutes.".to_owned(),
            SampleRelease::Business => format!(
                "Asked from a company address, it usually arrives within minutes; otherwise our team checks the request first and sends it {checked}."
            ),
            SampleRelease::Review => {
                format!("Our team checks each request and sends the sample {checked}.")
            }
        }
    }
}

pub fn wording(kind: LeadKind, promises: &Promises) -> FormWording {
    let within = promises.within(kind);
    match kind {
        LeadKind::SampleRequest => FormWording {
            heading: "Download a free sample",
            promise: format!(
                "We email you a free sample of this report: the full table of contents, the introduction, the headline figures and the forecast chart. {}",
                promises.sample_arrives()
            ),
            submit: "Send me the sample",
        },
        LeadKind::Inquiry => FormWording {
            heading: "Make an inquiry",
            promise: format!(
                "Ask our analysts about this report: its scope, methodology, data, or a customised version. An analyst replies {within}."
            ),
            submit: "Send my inquiry",
        },
        LeadKind::Discount => FormWording {
            heading: "Ask for a discount",
            promise: format!(
                "Tell us which licence you need and our sales team replies with a price for your organisation {within}."
            ),
            submit: "Request my discount",
        },
    }
}

/// One input's label, value and problem, with the ids that tie them together.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub error: Option<String>,
    pub required: bool,
    /// `aria-describedby`: the hint and the error, when present.
    pub described_by: String,
}

impl FieldView {
    fn new(
        name: &'static str,
        label: &'static str,
        value: &str,
        hint: &'static str,
        required: bool,
        errors: &FieldErrors,
    ) -> Self {
        let error = errors.get(name).map(str::to_owned);
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(format!("{name}-hint"));
        }
        if error.is_some() {
            ids.push(format!("{name}-error"));
        }
        Self {
            name,
            label,
            value: value.to_owned(),
            hint,
            error,
            required,
            described_by: ids.join(" "),
        }
    }
}

pub struct LeadFormFields {
    pub name: FieldView,
    pub email: FieldView,
    pub phone: FieldView,
    pub company: FieldView,
    pub job_title: FieldView,
    pub country: FieldView,
    pub message: FieldView,
    pub licence: FieldView,
    pub budget: FieldView,
    pub target_price: FieldView,
    pub consent: FieldView,
}

impl LeadFormFields {
    fn new(kind: LeadKind, input: &LeadFormInput, errors: &FieldErrors) -> Self {
        let message_hint = if kind.message_required() {
            "At least 10 characters. What would you like to know?"
        } else {
            "Optional. Anything we should know, such as the segments you need."
        };
        Self {
            name: FieldView::new("name", "Full name", &input.name, "", true, errors),
            email: FieldView::new(
                "email",
                "Work email",
                &input.email,
                "We send the reply here.",
                true,
                errors,
            ),
            phone: FieldView::new(
                "phone",
                "Phone",
                &input.phone,
                "Optional. Include the country code, e.g. +44 20 7946 0958.",
                false,
                errors,
            ),
            company: FieldView::new("company", "Company", &input.company, "", true, errors),
            job_title: FieldView::new(
                "job_title",
                "Job title",
                &input.job_title,
                "Optional.",
                false,
                errors,
            ),
            country: FieldView::new("country", "Country", &input.country, "", true, errors),
            message: FieldView::new(
                "message",
                "Message",
                &input.message,
                message_hint,
                kind.message_required(),
                errors,
            ),
            licence: FieldView::new("licence", "Licence", &input.licence, "", true, errors),
            budget: FieldView::new(
                "budget",
                "Budget",
                &input.budget,
                "Optional, e.g. USD 3,000.",
                false,
                errors,
            ),
            target_price: FieldView::new(
                "target_price",
                "Your target price",
                &input.target_price,
                "Optional. What you would pay for the licence, as a number such as 5000.",
                false,
                errors,
            ),
            consent: FieldView::new("consent", "Consent", &input.consent, "", true, errors),
        }
    }
}

#[derive(Template)]
#[template(path = "public/lead_form.html")]
pub struct LeadFormPage {
    pub meta: PageMeta,
    pub report_title: String,
    pub report_href: String,
    pub kind: LeadKind,
    pub wording: FormWording,
    pub action: String,
    pub form_token: String,
    pub fields: LeadFormFields,
    pub marketing_opt_in: bool,
    /// Problems in field order, for the summary at the top.
    pub problems: Vec<(&'static str, String)>,
    /// A form-level message (expired or invalid form), shown above the fields.
    pub notice: Option<&'static str>,
    pub countries: &'static [(&'static str, &'static str)],
    pub licences: Vec<LicenceChoice>,
    /// The currency prices are shown (and a target price typed) in.
    pub currency: String,
    /// The report has prices: a target price is asked for instead of a budget.
    pub priced: bool,
}

pub struct LeadFormContext<'a> {
    pub public_base: &'a str,
    pub report_slug: &'a str,
    pub report_title: &'a str,
    pub kind: LeadKind,
    pub action: String,
    pub form_token: String,
    pub promises: Promises,
    /// The report's prices (none but on the discount form).
    pub pricing: &'a ReportPricing,
}

impl LeadFormPage {
    pub fn new(
        ctx: LeadFormContext<'_>,
        input: &LeadFormInput,
        errors: &FieldErrors,
        notice: Option<&'static str>,
    ) -> Self {
        let words = wording(ctx.kind, &ctx.promises);
        let currency = ctx.pricing.shown_currency(&input.currency);
        let report_href = format!("/reports/{}", ctx.report_slug);
        let path = format!("{report_href}/{}", ctx.kind.path_segment());
        Self {
            meta: PageMeta::new(
                ctx.public_base,
                &path,
                &format!("{} – {}", words.heading, ctx.report_title),
                &words.promise,
            ),
            report_title: ctx.report_title.to_owned(),
            report_href,
            kind: ctx.kind,
            action: ctx.action,
            form_token: ctx.form_token,
            fields: LeadFormFields::new(ctx.kind, input, errors),
            marketing_opt_in: !input.marketing_opt_in.is_empty(),
            problems: errors.iter().cloned().collect(),
            notice,
            countries: all_countries(),
            licences: licence_choices(ctx.pricing, &currency),
            currency,
            priced: !ctx.pricing.licences.is_empty(),
            wording: words,
        }
    }

    pub fn is_discount(&self) -> bool {
        self.kind == LeadKind::Discount
    }
}

#[derive(Template)]
#[template(path = "public/thank_you.html")]
pub struct ThankYouPage {
    pub meta: PageMeta,
    pub heading: &'static str,
    pub next_steps: String,
    pub report_title: String,
    pub report_href: String,
    /// The address the confirmation went to, when this browser sent the form.
    pub sent_to: Option<String>,
}

impl ThankYouPage {
    pub fn new(
        public_base: &str,
        slug: &str,
        report_title: &str,
        kind: Option<LeadKind>,
        promises: &Promises,
    ) -> Self {
        let (heading, next_steps) = match kind {
            Some(LeadKind::SampleRequest) => (
                "Thank you: your sample is on its way",
                format!(
                    "We have your request. {} Check your inbox, and your spam folder if it does not arrive.",
                    promises.sample_arrives()
                ),
            ),
            Some(LeadKind::Inquiry) => (
                "Thank you: your inquiry has reached our analysts",
                format!(
                    "An analyst will reply by email {}. If your question is urgent, reply to our confirmation email with a phone number and a good time to call.",
                    promises.within(LeadKind::Inquiry)
                ),
            ),
            Some(LeadKind::Discount) => (
                "Thank you: we are preparing your offer",
                format!(
                    "Our sales team will email you a price for the licence you chose {}.",
                    promises.within(LeadKind::Discount)
                ),
            ),
            None => (
                "Thank you: we have your request",
                "Our team will reply by email soon.".to_owned(),
            ),
        };
        let report_href = format!("/reports/{slug}");
        Self {
            meta: PageMeta::new(
                public_base,
                &format!("{report_href}/thank-you"),
                heading,
                &next_steps,
            ),
            heading,
            next_steps,
            report_title: report_title.to_owned(),
            report_href,
            sent_to: None,
        }
    }
}

#[derive(Template)]
#[template(path = "public/privacy.html")]
pub struct PrivacyPage {
    pub meta: PageMeta,
}
