//! The catalogue: every report, those matching `?q=` (every word, in the
//! title or the summary), those of an industry (`?industry=` or
//! `/industries/{slug}`), twenty to a page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::queries::catalogue::{self, CatalogueQuery, MAX_WORDS};
use crate::db::run_blocking;
use crate::domain::slug::Slug;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::page::{self, PageMeta};

const PER_PAGE: i64 = 20;

#[derive(Template)]
#[template(path = "public/catalog.html")]
pub struct CatalogPage {
    pub meta: PageMeta,
    pub heading: String,
    pub query: String,
    /// The industry chosen (its slug), or empty.
    pub industry: String,
    /// (slug, name, reports) of every industry.
    pub industries: Vec<(String, String, i64)>,
    pub reports: Vec<CatalogEntry>,
    pub total: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// "Page 2 of 7", when there is more than one.
    pub page_label: Option<String>,
}

pub struct CatalogEntry {
    pub title: String,
    pub summary: String,
    pub href: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    page: String,
}

/// Longer queries are cut: nobody types more, and it bounds the LIKE patterns.
const MAX_QUERY_CHARS: usize = 100;

#[tracing::instrument(name = "catalog", skip_all)]
pub async fn catalog(
    state: web::Data<AppState>,
    query: web::Query<CatalogQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let industry = query.industry.clone();
    listing(&state, query, industry, "/").await
}

/// `/industries/{slug}`: the catalogue of one industry.
pub async fn industry(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<CatalogQuery>,
) -> Result<HttpResponse, PageError> {
    let slug = Slug::parse(&slug.into_inner()).ok_or(PageError::NotFound)?;
    let path = format!("/industries/{slug}");
    listing(&state, query.into_inner(), slug.as_str().to_owned(), &path).await
}

async fn listing(
    state: &AppState,
    query: CatalogQuery,
    industry_slug: String,
    path: &str,
) -> Result<HttpResponse, PageError> {
    let q: String = query
        .q
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect();
    let page = query.page.parse::<i64>().unwrap_or(1).clamp(1, 10_000) - 1;
    let words: Vec<String> = q
        .split_whitespace()
        .take(MAX_WORDS)
        .map(str::to_owned)
        .collect();
    let wanted = industry_slug.clone();
    let (industries, found) = run_blocking(&state.pool, move |conn| {
        let industries = catalogue::industries(conn)?;
        let chosen = industries
            .iter()
            .find(|(name, _)| Slug::from_name(name).is_some_and(|s| s.as_str() == wanted))
            .map(|(name, _)| name.clone());
        if !wanted.is_empty() && chosen.is_none() {
            return Ok((industries, None));
        }
        let asked = CatalogueQuery {
            words: &words,
            industry: chosen.as_deref(),
            page,
            per_page: PER_PAGE,
        };
        Ok((industries, Some((catalogue::search(conn, &asked)?, chosen))))
    })
    .await?;
    let Some(((rows, total), chosen)) = found else {
        return Err(PageError::NotFound);
    };
    let heading = chosen.as_ref().map_or_else(
        || "Market research reports".to_owned(),
        |name| format!("{name} market research reports"),
    );
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    let link = |n: i64| {
        let query = serde_urlencoded::to_string([("q", q.as_str()), ("page", &n.to_string())])
            .unwrap_or_default();
        let industry = if path == "/" && !industry_slug.is_empty() {
            format!("&industry={industry_slug}")
        } else {
            String::new()
        };
        format!("{path}?{query}{industry}")
    };
    let catalog = CatalogPage {
        meta: PageMeta::new(
            state.settings.public_base(),
            path,
            &heading,
            "Market research reports with forecasts, segment analysis and key players.",
        )
        .footed_by(&state.mail_setup.publisher),
        previous: (page > 0).then(|| link(page)),
        next: (page + 1 < pages).then(|| link(page + 2)),
        page_label: (pages > 1).then(|| format!("Page {} of {pages}", page + 1)),
        heading,
        query: q,
        industry: industry_slug,
        industries: industries
            .into_iter()
            .filter_map(|(name, n)| Some((Slug::from_name(&name)?.as_str().to_owned(), name, n)))
            .collect(),
        reports: rows
            .into_iter()
            .map(|row| CatalogEntry {
                href: format!("/reports/{}", row.slug),
                title: row.title,
                summary: row.summary,
            })
            .collect(),
        total,
    };
    page::ok(&catalog)
}
