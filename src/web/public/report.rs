use std::time::Instant;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use serde::Deserialize;

use super::buyer_country;
use super::report_page::{ReportPage, offers_currency};
use crate::db::models::report::ReportRow;
use crate::db::queries::related_reports;
use crate::db::run_blocking;
use crate::domain::pricing::{currencies_of_country, currency_code};
use crate::domain::slug::Slug;
use crate::state::AppState;
use crate::state::page_cache::{Lookup, PageCache};
use crate::web::compact::without_indentation;
use crate::web::error::PageError;

fn page(html: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// The cached entry under `key` while it is still current for the report
/// `slug` (looked up at most once a second; see `state::page_cache`).
pub async fn still_current(
    state: &AppState,
    cache: &PageCache,
    key: &str,
    slug: &str,
    now: Instant,
) -> Result<Option<Bytes>, PageError> {
    let (cached, version) = match cache.lookup(key, now) {
        Lookup::Fresh(cached) => return Ok(Some(cached)),
        Lookup::Check { html, updated_at } => (html, updated_at),
        Lookup::Missing => return Ok(None),
    };
    let wanted = slug.to_owned();
    let current: Option<i64> = run_blocking(&state.pool, move |conn| {
        Ok(ReportRow::page_version(conn, &wanted)?)
    })
    .await?;
    if current != Some(version) {
        return Ok(None);
    }
    cache.store(key, cached.clone(), version, now);
    Ok(Some(cached))
}

/// Related reports shown on a report's page.
const RELATED: i64 = 4;

#[derive(Deserialize)]
pub struct PriceQuery {
    #[serde(default)]
    currency: String,
}

/// The report page, rendered once per version of the report (and per
/// currency it is priced in) and then served from memory (see
/// `state::page_cache`).
#[tracing::instrument(name = "report_page", skip(state, query))]
pub async fn report_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<PriceQuery>,
) -> Result<HttpResponse, PageError> {
    let slug = Slug::parse(&slug.into_inner()).ok_or(PageError::NotFound)?;
    let slug = slug.as_str().to_owned();
    // Asked for in the link, else the buyer's country's (when a form told
    // us), else the report's default.
    let currency = currency_code(&query.currency).or_else(|| {
        buyer_country::of(&req)
            .and_then(|country| currencies_of_country(country.code()).into_iter().next())
    });
    // Cached per currency; a currency the report is not priced in is shown
    // (and cached) as the default page, so the cache holds a bounded few.
    let key = match &currency {
        Some(code) => format!("{slug}?currency={code}"),
        None => slug.clone(),
    };
    let now = Instant::now();
    if let Some(html) = still_current(&state, &state.report_pages, &key, &slug, now).await? {
        return Ok(page(html));
    }
    let wanted = slug.clone();
    // The document is read once (it is ~20 KB of JSON), here.
    let Some((row, doc, related, version)) = run_blocking(&state.pool, move |conn| {
        let Some(row) = ReportRow::find_by_slug(conn, &wanted)? else {
            return Ok(None);
        };
        let doc = row.document()?;
        let related = related_reports::related(conn, row.id, doc.industry.as_deref(), RELATED)?;
        let version = ReportRow::catalogue_version(conn)?.unwrap_or(row.updated_at);
        Ok(Some((row, doc, related, version)))
    })
    .await?
    else {
        state.report_pages.forget(&slug);
        return Err(PageError::NotFound);
    };
    let priced = currency.filter(|code| offers_currency(&doc, code));
    let key = match &priced {
        Some(code) => format!("{slug}?currency={code}"),
        None => slug.clone(),
    };
    let publisher = &state.mail_setup.publisher;
    let html = Bytes::from(without_indentation(
        &ReportPage::new(
            state.settings.public_base(),
            doc,
            priced.as_deref(),
            state.settings.publisher_name.trim(),
        )
        .footed_by(publisher)
        .with_share_image(row.updated_at)
        .with_related(related)
        .render()
        .map_err(anyhow::Error::from)?,
    ));
    state.report_pages.store(&key, html.clone(), version, now);
    Ok(page(html))
}
