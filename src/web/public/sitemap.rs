//! `/robots.txt` and `/sitemap.xml` (sitemaps.org 0.9): every report page
//! with the day it last changed; past 50,000 addresses, a sitemap index
//! over `/sitemaps/{n}.xml` files of at most 50,000 each, as the protocol
//! requires.

use actix_web::{HttpResponse, web};

use crate::db::models::report::ReportRow;
use crate::db::run_blocking;
use crate::state::AppState;
use crate::web::error::PageError;

/// Addresses per sitemap file: the protocol's limit.
pub const PER_FILE: usize = 50_000;
const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body)
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `2025-11-14`, the W3C date a sitemap's `lastmod` takes.
fn day(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let base = state.settings.public_base();
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "User-agent: *\nDisallow: /admin\nDisallow: /samples/\nDisallow: /quotes/\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n"
        ))
}

/// Every address the sitemaps list, with its last change: the catalogue
/// (changed with its newest report) and each report page.
async fn entries(state: &AppState) -> Result<Vec<(String, i64)>, PageError> {
    let reports = run_blocking(&state.pool, |conn| Ok(ReportRow::changes(conn)?)).await?;
    let base = state.settings.public_base();
    let newest = reports.iter().map(|(_, at)| *at).max().unwrap_or(0);
    let mut all = vec![(format!("{base}/"), newest)];
    all.extend(
        reports
            .into_iter()
            .map(|(slug, at)| (format!("{base}/reports/{slug}"), at)),
    );
    Ok(all)
}

fn urlset(entries: &[(String, i64)]) -> String {
    let mut body =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{XMLNS}\">\n");
    for (loc, at) in entries {
        body.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escaped(loc),
            day(*at)
        ));
    }
    body.push_str("</urlset>\n");
    body
}

/// The sitemap index over files of `per_file` addresses.
fn index(all: &[(String, i64)], base: &str, per_file: usize) -> String {
    let mut body =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{XMLNS}\">\n");
    for (n, chunk) in all.chunks(per_file).enumerate() {
        let newest = chunk.iter().map(|(_, at)| *at).max().unwrap_or(0);
        body.push_str(&format!(
            "  <sitemap><loc>{}/sitemaps/{}.xml</loc><lastmod>{}</lastmod></sitemap>\n",
            escaped(base),
            n + 1,
            day(newest)
        ));
    }
    body.push_str("</sitemapindex>\n");
    body
}

pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let all = entries(&state).await?;
    if all.len() <= PER_FILE {
        return Ok(xml(urlset(&all)));
    }
    Ok(xml(index(&all, state.settings.public_base(), PER_FILE)))
}

/// `/sitemaps/{n}.xml`: the n-th file of the index (from 1).
pub async fn sitemap_part(
    state: web::Data<AppState>,
    n: web::Path<usize>,
) -> Result<HttpResponse, PageError> {
    let all = entries(&state).await?;
    let chunk = n
        .into_inner()
        .checked_sub(1)
        .and_then(|i| all.chunks(PER_FILE).nth(i))
        .filter(|_| all.len() > PER_FILE)
        .ok_or(PageError::NotFound)?;
    Ok(xml(urlset(chunk)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_an_index_lists_one_file_per_chunk_with_its_newest_change() {
        let all: Vec<(String, i64)> = (0..5)
            .map(|i| {
                (
                    format!("https://r.test/reports/r{i}"),
                    1_700_000_000 + i * 86_400,
                )
            })
            .collect();
        let body = index(&all, "https://r.test", 2);
        assert_eq!(body.matches("<sitemap>").count(), 3);
        assert!(body.contains("<loc>https://r.test/sitemaps/3.xml</loc>"));
        assert!(body.contains("<lastmod>2023-11-18</lastmod>"));
        assert!(urlset(&all[..2]).contains("<loc>https://r.test/reports/r1</loc>"));
    }
}
