use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::reports::ReportRow;
use crate::db::run_blocking;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::catalog_page::{CatalogEntry, CatalogPage};
use crate::views::layout::PageMeta;

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
        .take(MAX_QUERY_CHARS)
        .collect();
    let search = q.clone();
    let rows = run_blocking(&state.pool, move |conn| {
        Ok(ReportRow::search(conn, &search)?)
    })
    .await?;
    let page = CatalogPage {
        meta: PageMeta::new(
            state.settings.public_base(),
            "/",
            "Market research reports",
            "Market research reports with forecasts, segment analysis and key players.",
        ),
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
    Ok(crate::views::html(
        page.render().map_err(anyhow::Error::from)?,
    ))
}
