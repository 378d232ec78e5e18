//! `/admin/audit` (admins): every staff action, on the desk and on leads,
//! filterable by who and what.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::leads::timeline::describe_event;
use crate::db::models::lead_event::EventRow;
use crate::db::models::user::User;
use crate::db::queries::audit::{AUDIT_PAGE_SIZE, AuditFilter, AuditRow, audit_page};
use crate::db::run_blocking;
use crate::domain::audit_action::AuditAction;
use crate::domain::lead_event::LeadEvent;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::Admin;
use crate::web::page::{self, PageMeta};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub rows: Vec<AuditView>,
    pub actors: Vec<(i64, String)>,
    /// The actions staff cause, for the filter.
    pub kinds: Vec<&'static str>,
    pub actor: String,
    pub kind: String,
    pub lead: String,
    pub next_href: Option<String>,
    pub previous_href: Option<String>,
}

pub struct AuditView {
    pub at: String,
    pub actor: String,
    /// The lead acted on, or `None` for a desk action (see `target`).
    pub lead_id: Option<i64>,
    pub target: String,
    pub kind: String,
    pub detail: String,
}

/// A trail row as the page shows it: a lead event is described as on the
/// lead's timeline.
fn view_of(row: AuditRow, names: &HashMap<i64, String>, desk: &WorkingHours) -> AuditView {
    let detail = match row.lead_id {
        Some(lead_id) if row.source == "lead" => {
            let event = EventRow {
                id: row.id,
                lead_id,
                kind: row.action.clone(),
                detail: row.detail,
                created_at: row.created_at,
                actor_user_id: row.actor_user_id,
                actor_name: row.actor_name.clone(),
            };
            let (what, detail) = describe_event(&event, names, desk);
            if detail.is_empty() { what } else { detail }
        }
        _ => row.detail,
    };
    AuditView {
        at: desk.format(row.created_at),
        actor: row.actor_name.unwrap_or_else(|| "(not signed in)".into()),
        lead_id: row.lead_id,
        target: row.target,
        kind: row.action,
        detail,
    }
}

#[derive(Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    actor: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    lead: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    page: String,
}

fn href(query: &AuditQuery, page: i64) -> String {
    let mut query = query.clone();
    query.page = page.to_string();
    format!(
        "/admin/audit?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    )
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let filter = AuditFilter {
        actor: query.actor.parse().ok(),
        action: (!query.kind.is_empty()).then(|| query.kind.chars().take(40).collect()),
        lead: query.lead.trim().trim_start_matches('#').parse().ok(),
    };
    let page_number = query.page.parse::<i64>().unwrap_or(1).max(1);
    let (rows, actors) = run_blocking(&state.pool, move |conn| {
        Ok((
            audit_page(conn, &filter, page_number - 1)?,
            User::list(conn)?,
        ))
    })
    .await?;
    let full = rows.len() as i64 == AUDIT_PAGE_SIZE;
    let names = actors.iter().map(|u| (u.id, u.name.clone())).collect();
    let desk = state.settings.working_hours();
    let view = AuditPage {
        meta: PageMeta::plain("Audit trail"),
        staff: staff.view(),
        rows: rows
            .into_iter()
            .map(|row| view_of(row, &names, &desk))
            .collect(),
        actors: actors.into_iter().map(|u| (u.id, u.name)).collect(),
        kinds: AuditAction::ALL
            .iter()
            .map(AuditAction::as_db)
            .chain(LeadEvent::STAFF_ACTIONS)
            .collect(),
        next_href: full.then(|| href(&query, page_number + 1)),
        previous_href: (page_number > 1).then(|| href(&query, page_number - 1)),
        actor: query.actor,
        kind: query.kind,
        lead: query.lead,
    };
    page::ok(&view)
}
