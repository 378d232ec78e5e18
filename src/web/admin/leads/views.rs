//! Saved views: the list's filter and sort under a name, a person's own or
//! shared with the team, listed beside the list with live counts. The owner
//! or an admin renames or deletes one.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::filters::FilterValues;
use crate::db::models::saved_view::{self, SavedView};
use crate::db::queries::lead_list::count_matching;
use crate::db::{DbConnection, now_unix, run_blocking};
use crate::domain::response_clock::ResponseTargets;
use crate::domain::text::single_line;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::web::page::see_other;

/// A saved view as the list shows it.
pub struct ViewLink {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub count: String,
    pub shared: bool,
    /// Its owner or an admin may rename or delete it.
    pub editable: bool,
}

/// The views a person sees, each counted as its list would count it.
pub fn view_links(
    conn: &mut DbConnection,
    staff_id: i64,
    admin: bool,
    targets: &ResponseTargets,
    now: i64,
) -> anyhow::Result<Vec<ViewLink>> {
    let mut links = Vec::new();
    for view in saved_view::visible_to(conn, staff_id)? {
        let values: FilterValues = serde_urlencoded::from_str(&view.query).unwrap_or_default();
        let mut filter = values.to_filter(targets, now);
        filter.resolve_text(conn)?;
        let count = count_matching(conn, &filter)?;
        links.push(ViewLink {
            id: view.id,
            href: values.href("/admin/leads", |_| {}),
            count: count.map(|n| values.shown_count(n)).unwrap_or_default(),
            editable: admin || view.user_id == staff_id,
            shared: view.shared,
            name: view.name,
        });
    }
    Ok(links)
}

#[derive(Deserialize)]
pub struct NewView {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    shared: String,
}

/// The query string as the list reads it, pages left out.
fn normalised(query: &str) -> String {
    let values: FilterValues = serde_urlencoded::from_str(query).unwrap_or_default();
    serde_urlencoded::to_string(FilterValues {
        page: String::new(),
        ..values
    })
    .unwrap_or_default()
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<NewView>,
) -> Result<HttpResponse, PageError> {
    let query = normalised(&form.query);
    let back = format!("/admin/leads?{query}");
    let Ok(name) = single_line(&form.name, "Name", 1, 80) else {
        return Ok(see_other(&back));
    };
    let (user, shared) = (staff.user.id, form.shared == "yes");
    let stored = query.clone();
    run_blocking(&state.pool, move |conn| {
        Ok(saved_view::create(
            conn,
            user,
            &name,
            &stored,
            shared,
            now_unix(),
        )?)
    })
    .await?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
pub struct ChangeView {
    #[serde(default)]
    name: String,
    #[serde(default)]
    delete: String,
}

pub async fn change(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ChangeView>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let view: Option<SavedView> =
        run_blocking(&state.pool, move |conn| Ok(saved_view::find(conn, id)?)).await?;
    let Some(view) = view else {
        return Err(PageError::NotFound);
    };
    if view.user_id != staff.user.id && !staff.user.is_admin() {
        return Err(PageError::Forbidden);
    }
    let name = single_line(&form.name, "Name", 1, 80).ok();
    let delete = form.delete == "yes";
    run_blocking(&state.pool, move |conn| {
        if delete {
            saved_view::delete(conn, id)?;
        } else if let Some(name) = name {
            saved_view::rename(conn, id, &name)?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/leads"))
}
