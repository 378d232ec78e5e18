use std::time::Instant;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use crate::db::reports::ReportRow;
use crate::db::run_blocking;
use crate::db::schema::reports;
use crate::domain::report::is_valid_slug;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::page_cache::Lookup;
use crate::views::report_page::ReportPage;

fn page(html: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// The report page, rendered once per version of the report and then served
/// from memory (see `views::page_cache`).
#[tracing::instrument(name = "report_page", skip(state))]
pub async fn report_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    if !is_valid_slug(&slug) {
        return Err(PageError::NotFound);
    }
    let now = Instant::now();
    let cached_version = match state.report_pages.lookup(&slug, now) {
        Lookup::Fresh(html) => return Ok(page(html)),
        Lookup::Check { html, updated_at } => Some((html, updated_at)),
        Lookup::Missing => None,
    };
    if let Some((html, updated_at)) = cached_version {
        let key = slug.clone();
        let current: Option<i64> = run_blocking(&state.pool, move |conn| {
            Ok(reports::table
                .filter(reports::slug.eq(&key))
                .select(reports::updated_at)
                .first(conn)
                .optional()?)
        })
        .await?;
        if current == Some(updated_at) {
            state
                .report_pages
                .store(&slug, html.clone(), updated_at, now);
            return Ok(page(html));
        }
    }
    let key = slug.clone();
    let Some(row) = run_blocking(&state.pool, move |conn| {
        Ok(ReportRow::find_by_slug(conn, &key)?)
    })
    .await?
    else {
        state.report_pages.forget(&slug);
        return Err(PageError::NotFound);
    };
    let html = Bytes::from(
        ReportPage::new(state.settings.public_base(), row.document()?)
            .render()
            .map_err(anyhow::Error::from)?,
    );
    state
        .report_pages
        .store(&slug, html.clone(), row.updated_at, now);
    Ok(page(html))
}
