//! `/admin/audit` (admins): every staff action on leads, filterable.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::auth::Staff;
use crate::db::lead_admin::{AUDIT_PAGE_SIZE, AuditFilter, audit_page};
use crate::db::run_blocking;
use crate::db::users::User;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::admin::{AuditPage, AuditView, format_time};
use crate::views::layout::PageMeta;

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
    staff: Staff,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    let query = query.into_inner();
    let filter = AuditFilter {
        actor: query.actor.parse().ok(),
        kind: (!query.kind.is_empty()).then(|| query.kind.chars().take(40).collect()),
        lead: query.lead.trim().trim_start_matches('#').parse().ok(),
    };
    let page = query.page.parse::<i64>().unwrap_or(1).max(1);
    let (rows, actors) = run_blocking(&state.pool, move |conn| {
        Ok((audit_page(conn, &filter, page - 1)?, User::list(conn)?))
    })
    .await?;
    let full = rows.len() as i64 == AUDIT_PAGE_SIZE;
    let view = AuditPage {
        meta: PageMeta::plain("Audit trail"),
        staff: staff.view(),
        rows: rows
            .into_iter()
            .map(|r| AuditView {
                at: format_time(r.created_at),
                actor: r.actor_name,
                lead_id: r.lead_id,
                kind: r.kind,
                detail: r.detail,
            })
            .collect(),
        actors: actors.into_iter().map(|u| (u.id, u.name)).collect(),
        next_href: full.then(|| href(&query, page + 1)),
        previous_href: (page > 1).then(|| href(&query, page - 1)),
        actor: query.actor,
        kind: query.kind,
        lead: query.lead,
    };
    Ok(crate::views::html(
        view.render().map_err(anyhow::Error::from)?,
    ))
}
