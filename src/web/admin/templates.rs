//! `/admin/templates` (admins): the text staff start a mail to a buyer
//! from, one per request kind. A placeholder that does not exist is refused
//! when saved.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::mail_template::{self, MailTemplate};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_kind::LeadKind;
use crate::domain::mail_template::{PLACEHOLDERS, check};
use crate::domain::text::{multi_line, single_line};
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};

#[derive(Template)]
#[template(path = "admin/templates.html")]
pub struct TemplatesPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    /// Per kind: its value, label, subject and body (as saved, or as typed
    /// when refused).
    pub templates: Vec<(&'static str, &'static str, String, String)>,
    pub placeholders: String,
    pub problem: Option<String>,
}

/// The page; `typed` shows a refused form's text in place of the saved one.
async fn render(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
    typed: Option<(LeadKind, String, String)>,
) -> Result<HttpResponse, PageError> {
    let saved: Vec<MailTemplate> =
        run_blocking(&state.pool, |conn| Ok(mail_template::all(conn)?)).await?;
    let templates = LeadKind::ALL
        .into_iter()
        .map(|kind| {
            let (subject, body) = match (&typed, saved.iter().find(|t| t.kind == kind)) {
                (Some((k, subject, body)), _) if *k == kind => (subject.clone(), body.clone()),
                (_, Some(t)) => (t.subject.clone(), t.body.clone()),
                _ => (String::new(), String::new()),
            };
            (kind.as_db(), kind.label(), subject, body)
        })
        .collect();
    let view = TemplatesPage {
        meta: PageMeta::plain("Mail templates"),
        staff: staff.view(),
        templates,
        placeholders: PLACEHOLDERS.map(|p| format!("{{{{{p}}}}}")).join(" "),
        problem: problem.clone(),
    };
    page::form(&view, problem.is_some())
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, None, None).await
}

#[derive(Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

pub async fn save(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Result<HttpResponse, PageError> {
    let Some(kind) = LeadKind::from_db(&form.kind) else {
        return render(
            &state,
            &staff,
            Some("Choose one of the request kinds".into()),
            None,
        )
        .await;
    };
    let checked = single_line(&form.subject, "Subject", 1, 200)
        .and_then(|subject| Ok((subject, multi_line(&form.body, "Body", 1, 20_000)?)))
        .and_then(|(subject, body)| {
            check("Subject", &subject)?;
            check("Body", &body)?;
            Ok((subject, body))
        });
    let (subject, body) = match checked {
        Ok(valid) => valid,
        Err(problem) => {
            let typed = Some((kind, form.subject, form.body));
            return render(&state, &staff, Some(problem), typed).await;
        }
    };
    let actor = staff.user.id;
    run_blocking(&state.pool, move |conn| {
        let target = format!("template for {}", kind.label());
        let entry = AuditEntry {
            actor: Some(actor),
            action: AuditAction::TemplateSaved,
            target: &target,
            detail: "",
        };
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            mail_template::save(conn, kind, &subject, &body, actor, now)
        })?)
    })
    .await?;
    Ok(see_other("/admin/templates"))
}
