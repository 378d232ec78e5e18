//! `/reports/{slug}/share.png`: the picture link previews show (Open Graph
//! and Twitter cards). Drawn on first request per version of the catalogue
//! (off the async threads: it takes tens of milliseconds), then served from
//! a bounded cache.

use std::time::Instant;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use super::report::still_current;
use crate::db::models::report::ReportRow;
use crate::db::run_blocking;
use crate::domain::slug::Slug;
use crate::state::AppState;
use crate::web::charts::share_image::report_share_png;
use crate::web::error::PageError;
use crate::web::page::SITE_NAME;

fn png(bytes: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/png")
        // Previewers fetch rarely and keep it; the page's link carries the
        // report's version, so a changed report gets a new address anyway.
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(bytes)
}

pub async fn report_share_image(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let slug = Slug::parse(&slug.into_inner()).ok_or(PageError::NotFound)?;
    let slug = slug.as_str().to_owned();
    let now = Instant::now();
    if let Some(bytes) = still_current(&state, &state.share_images, &slug, &slug, now).await? {
        return Ok(png(bytes));
    }
    let wanted = slug.clone();
    let found = run_blocking(&state.pool, move |conn| {
        let Some(row) = ReportRow::find_by_slug(conn, &wanted)? else {
            return Ok(None);
        };
        let version = ReportRow::catalogue_version(conn)?.unwrap_or(row.updated_at);
        Ok(Some((row, version)))
    })
    .await?;
    let Some((row, version)) = found else {
        state.share_images.forget(&slug);
        return Err(PageError::NotFound);
    };
    let doc = row.document()?;
    let publisher = match state.settings.publisher_name.trim() {
        "" => SITE_NAME.to_owned(),
        name => name.to_owned(),
    };
    let drawn = web::block(move || report_share_png(&doc, &publisher))
        .await
        .map_err(anyhow::Error::from)??;
    let bytes = Bytes::from(drawn);
    state.share_images.store(&slug, bytes.clone(), version, now);
    Ok(png(bytes))
}
