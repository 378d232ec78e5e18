//! The catalog: every report, or those matching `?q=`.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::report::ReportRow;
use crate::db::run_blocking;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::page::{self, PageMeta};

#[derive(Template)]
#[template(path = "public/catalog.html")]
pub struct CatalogPage {
    pub meta: PageMeta,
    pub query: String,
    pub reports: Vec<CatalogEntry>,
}

pub struct CatalogEntry {
    pub title: String,
    pub summary: String,
    pub href: String,
}

#[derive(Debug, Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
}

/// Longer queries are cut: nobody types more, and it bounds the LIKE pattern.
const MAX_QUERY_CHARS: usize = 100;

#[tracing::instrument(name = "catalog", skip_all)]
pub async fn catalog(
    state: web::Data<AppState>,
    query: web::Query<CatalogQuery>,
) -> Result<HttpResponse, PageError> {
    let q: String = query
        .into_inner()
        .q
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect();
    let search = q.clone();
    let rows = run_blocking(&state.pool, move |conn| {
        Ok(ReportRow::search(conn, &search)?)
    })
    .await?;
    let catalog = CatalogPage {
        meta: PageMeta::new(
            state.settings.public_base(),
            "/",
            "Market research reports",
            "Market research reports with forecasts, segment analysis and key players.",
        )
        .footed_by(&state.mail_setup.publisher),
        query: q,
        reports: rows
            .into_iter()
            .map(|row| CatalogEntry {
                href: format!("/reports/{}", row.slug),
                title: row.title,
                summary: row.summary,
            })
            .collect(),
    };
    page::ok(&catalog)
}
