//! The conversation on a lead's page: the compose box (prefilled from the
//! kind's template), `POST /admin/leads/{id}/mail` and
//! `POST /admin/leads/{id}/contact` ("Log contact").

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::actions::{after_change, change_and_mail, refuse};
use crate::db::models::mail_template::MailTemplate;
use crate::db::queries::lead_detail::LeadDetail;
use crate::db::{now_unix, run_blocking};
use crate::domain::mail_template::render;
use crate::domain::text::{multi_line, single_line};
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::workflow::converse::{CHANNELS, Draft, log_contact as log, write_to_buyer};

/// The compose box as it opens.
pub struct ComposeView {
    pub subject: String,
    pub body: String,
    /// Where the buyer's answer will go, in words.
    pub replies_to: &'static str,
    pub channels: [&'static str; 2],
}

/// The kind's template with what is known filled in; `{{sample_link}}`
/// stays until the mail is sent.
pub fn prefill(
    template: Option<&MailTemplate>,
    detail: &LeadDetail,
    writer: &str,
    state: &AppState,
) -> ComposeView {
    let (lead, contact) = (&detail.lead, &detail.contact);
    let sent = lead.submitted.or(contact.details());
    let value = |name: &str| -> Option<String> {
        Some(match name {
            "buyer_name" => sent.name.to_owned(),
            "company" => sent.company.to_owned(),
            "report_title" => detail.report_title.clone(),
            "report_url" => format!(
                "{}/reports/{}",
                state.mail_setup.public_base, detail.report_slug
            ),
            "licence" => lead.licence.map_or_else(|| "–".into(), |l| l.to_string()),
            "owner_name" => writer.to_owned(),
            _ => return None,
        })
    };
    let (subject, body) = template.map_or(("", ""), |t| (t.subject.as_str(), t.body.as_str()));
    ComposeView {
        subject: render(subject, value),
        body: render(body, value),
        replies_to: if state.mail_setup.replies.is_some() {
            "The buyer's answer comes back to this lead."
        } else {
            "The buyer's answer goes to your own mailbox (inbound mail is not set up)."
        },
        channels: CHANNELS,
    }
}

#[derive(Deserialize)]
pub struct MailForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

pub async fn write_mail(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<MailForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let subject = match single_line(&form.subject, "Subject", 1, 200) {
        Ok(subject) => subject,
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let body = match multi_line(&form.body, "Message", 1, 20_000) {
        Ok(body) => body,
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let writer = staff.user.clone();
    change_and_mail(state, staff, id, move |conn, id, _, setup| {
        let draft = Draft {
            subject: &subject,
            body: &body,
        };
        write_to_buyer(conn, id, &writer, &draft, setup, now_unix())
    })
    .await
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    note: String,
}

pub async fn log_contact(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let note = match multi_line(&form.note, "Note", 1, 5000) {
        Ok(note) => note,
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let actor = staff.user.id;
    let channel = form.channel;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(log(conn, id, &channel, &note, actor, now_unix()))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}
