use std::time::Instant;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::report_page::ReportPage;
use crate::db::models::report::ReportRow;
use crate::db::run_blocking;
use crate::domain::slug::Slug;
use crate::state::AppState;
use crate::state::page_cache::Lookup;
use crate::web::error::PageError;

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
    let slug = Slug::parse(&slug.into_inner()).ok_or(PageError::NotFound)?;
    let slug = slug.as_str().to_owned();
    let now = Instant::now();
    let cached_version = match state.report_pages.lookup(&slug, now) {
        Lookup::Fresh(html) => return Ok(page(html)),
        Lookup::Check { html, updated_at } => Some((html, updated_at)),
        Lookup::Missing => None,
    };
    if let Some((html, updated_at)) = cached_version {
        let key = slug.clone();
        let current: Option<i64> =
            run_blocking(&state.pool, move |conn| Ok(ReportRow::version(conn, &key)?)).await?;
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
            .footed_by(&state.mail_setup.publisher)
            .render()
            .map_err(anyhow::Error::from)?,
    );
    state
        .report_pages
        .store(&slug, html.clone(), row.updated_at, now);
    Ok(page(html))
}
