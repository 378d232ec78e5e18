//! `/admin/webhooks` (admins): the CRM's endpoints, their secrets (shown once),
//! and recent deliveries with "redeliver".

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::webhook_delivery::{self, DeliveryRow};
use crate::db::models::webhook_endpoint::{self, EndpointFields, WebhookEndpoint};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::webhook::{WebhookEvent, WebhookFormat};
use crate::security::webhook_signature::new_secret;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};
use crate::webhooks::post::{check_address, url_problem};

use super::webhook_views::endpoint_view;
pub use super::webhook_views::{DeliveryView, Draft, EndpointView};

/// Deliveries the page lists.
const RECENT: i64 = 50;

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
pub struct WebhooksPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub endpoints: Vec<EndpointView>,
    pub deliveries: Vec<DeliveryView>,
    pub events: Vec<(&'static str, &'static str)>,
    pub formats: Vec<(&'static str, &'static str)>,
    /// The form as sent, after a refusal.
    pub draft: Draft,
    /// A secret just made: (endpoint URL, secret), shown this once.
    pub new_secret: Option<(String, String)>,
    pub problem: Option<String>,
    /// Which endpoint the form edits; `None` for a new one.
    pub editing: Option<i64>,
}

struct Shown {
    draft: Draft,
    new_secret: Option<(String, String)>,
    problem: Option<String>,
    editing: Option<i64>,
}

/// The page after a secret was made (creation, rotation): shown this once.
fn secret_shown(url: String, secret: String) -> Shown {
    Shown {
        draft: fresh_draft(),
        new_secret: Some((url, secret)),
        problem: None,
        editing: None,
    }
}

async fn render(state: &AppState, staff: &Staff, shown: Shown) -> Result<HttpResponse, PageError> {
    let (endpoints, deliveries) = run_blocking(&state.pool, |conn| {
        Ok((
            WebhookEndpoint::list(conn)?,
            DeliveryRow::recent(conn, RECENT)?,
        ))
    })
    .await?;
    let has_problem = shown.problem.is_some();
    let view = WebhooksPage {
        meta: PageMeta::plain("Webhooks"),
        staff: staff.view(),
        endpoints: endpoints.into_iter().map(endpoint_view).collect(),
        deliveries: deliveries.into_iter().map(DeliveryView::of).collect(),
        events: WebhookEvent::ALL
            .iter()
            .map(|e| (e.as_str(), e.description()))
            .collect(),
        formats: WebhookFormat::ALL
            .iter()
            .map(|f| (f.as_db(), f.label()))
            .collect(),
        draft: shown.draft,
        new_secret: shown.new_secret,
        problem: shown.problem,
        editing: shown.editing,
    };
    page::form(&view, has_problem)
}

fn fresh_draft() -> Draft {
    Draft {
        events: vec![WebhookEvent::LeadCreated.as_str()],
        format: WebhookFormat::Standard.as_db().to_owned(),
        enabled: true,
        ..Draft::default()
    }
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    // `?edit=ID` fills the form with that endpoint.
    let editing = query.get("edit").and_then(|id| id.parse::<i64>().ok());
    let draft = match editing {
        Some(id) => {
            let found = run_blocking(&state.pool, move |conn| {
                Ok(WebhookEndpoint::find(conn, id)?)
            })
            .await?
            .ok_or(PageError::NotFound)?;
            Draft {
                events: found.events().iter().map(WebhookEvent::as_str).collect(),
                format: found.format.clone(),
                enabled: found.enabled,
                url: found.url,
                description: found.description,
            }
        }
        None => fresh_draft(),
    };
    let shown = Shown {
        draft,
        new_secret: None,
        problem: None,
        editing,
    };
    render(&state, &staff, shown).await
}

#[derive(Deserialize)]
pub struct EndpointForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    enabled: String,
    /// `event-<type>` per ticked event.
    #[serde(flatten)]
    ticked: HashMap<String, String>,
}

impl EndpointForm {
    fn draft(&self) -> Draft {
        Draft {
            url: self.url.trim().to_owned(),
            description: self.description.trim().to_owned(),
            events: self.events().iter().map(WebhookEvent::as_str).collect(),
            format: self.format.clone(),
            enabled: !self.enabled.is_empty(),
        }
    }

    fn events(&self) -> Vec<WebhookEvent> {
        WebhookEvent::ALL
            .into_iter()
            .filter(|e| self.ticked.contains_key(&format!("event-{}", e.as_str())))
            .collect()
    }
}

/// The form's fields checked, the URL's address included.
async fn checked(state: &AppState, form: &EndpointForm) -> Result<EndpointFields, String> {
    let draft = form.draft();
    let policy = state.settings.webhook_policy();
    if let Some(problem) = url_problem(&draft.url, policy) {
        return Err(problem);
    }
    if draft.url.len() > 2000 || draft.description.chars().count() > 200 {
        return Err("Keep the URL under 2,000 characters and the description under 200".into());
    }
    let events = form.events();
    if events.is_empty() {
        return Err("Tick at least one event".into());
    }
    let format = WebhookFormat::from_db(&form.format).ok_or("Choose a format")?;
    check_address(&draft.url, policy).await?;
    Ok(EndpointFields {
        url: draft.url,
        description: draft.description,
        events,
        format,
        enabled: draft.enabled,
    })
}

fn entry<'a>(actor: i64, target: &'a str, detail: &'a str) -> AuditEntry<'a> {
    AuditEntry {
        actor: Some(actor),
        action: AuditAction::WebhookChanged,
        target,
        detail,
    }
}

pub async fn create(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    CsrfForm(form): CsrfForm<EndpointForm>,
) -> Result<HttpResponse, PageError> {
    let fields = match checked(&state, &form).await {
        Ok(fields) => fields,
        Err(problem) => return refused(&state, &staff, &form, problem, None).await,
    };
    let secret = new_secret();
    let actor = staff.user.id;
    let url = fields.url.clone();
    let kept = secret.clone();
    run_blocking(&state.pool, move |conn| {
        let now = now_unix();
        let detail = format!("created for {}", WebhookEvent::join(&fields.events));
        let target = format!("webhook {}", fields.url);
        Ok(audited(
            conn,
            &entry(actor, &target, &detail),
            now,
            |conn| webhook_endpoint::insert(conn, &fields, &kept, now),
        )?)
    })
    .await?;
    tracing::info!(actor, "webhook endpoint created");
    let shown = secret_shown(url, secret);
    render(&state, &staff, shown).await
}

async fn refused(
    state: &AppState,
    staff: &Staff,
    form: &EndpointForm,
    problem: String,
    editing: Option<i64>,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        draft: form.draft(),
        new_secret: None,
        problem: Some(problem),
        editing,
    };
    render(state, staff, shown).await
}

pub async fn update(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<EndpointForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let fields = match checked(&state, &form).await {
        Ok(fields) => fields,
        Err(problem) => return refused(&state, &staff, &form, problem, Some(id)).await,
    };
    let actor = staff.user.id;
    let saved = run_blocking(&state.pool, move |conn| {
        let now = now_unix();
        let target = format!("webhook {}", fields.url);
        let detail = format!(
            "changed: {} {}",
            if fields.enabled { "on" } else { "off" },
            WebhookEvent::join(&fields.events)
        );
        Ok(audited(
            conn,
            &entry(actor, &target, &detail),
            now,
            |conn| webhook_endpoint::update(conn, id, &fields, now),
        )?)
    })
    .await?;
    if !saved {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/admin/webhooks"))
}

/// Rotate the secret (shown once) or delete the endpoint.
#[derive(Deserialize)]
pub struct EndpointAction {
    #[serde(default)]
    action: String,
}

pub async fn act(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<EndpointAction>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = staff.user.id;
    let rotate = match form.action.as_str() {
        "rotate" => true,
        "delete" => false,
        _ => return Err(PageError::BadRequest),
    };
    let secret = new_secret();
    let kept = secret.clone();
    let url = run_blocking(&state.pool, move |conn| {
        let Some(endpoint) = WebhookEndpoint::find(conn, id)? else {
            return Ok(None);
        };
        let now = now_unix();
        let target = format!("webhook {}", endpoint.url);
        let detail = if rotate { "secret rotated" } else { "deleted" };
        audited(conn, &entry(actor, &target, detail), now, |conn| {
            if rotate {
                webhook_endpoint::set_secret(conn, id, &kept, now)
            } else {
                webhook_endpoint::delete(conn, id)
            }
        })?;
        Ok(Some(endpoint.url))
    })
    .await?
    .ok_or(PageError::NotFound)?;
    if !rotate {
        return Ok(see_other("/admin/webhooks"));
    }
    let shown = secret_shown(url, secret);
    render(&state, &staff, shown).await
}

pub async fn redeliver(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<EndpointAction>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = staff.user.id;
    let done = run_blocking(&state.pool, move |conn| {
        let target = format!("webhook delivery #{id}");
        let now = now_unix();
        Ok(audited(
            conn,
            &entry(actor, &target, "redelivered"),
            now,
            |conn| webhook_delivery::redeliver(conn, id, now),
        )?)
    })
    .await?;
    if !done {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/admin/webhooks"))
}
