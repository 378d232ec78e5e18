//! Static assets, compiled into the binary so it runs from any directory.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::web::error::PageError;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "css/site.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/css/site.css"),
    },
    FAVICON,
];

const FAVICON: Asset = Asset {
    path: "img/favicon.svg",
    content_type: "image/svg+xml",
    body: include_bytes!("../../static/img/favicon.svg"),
};

pub async fn asset(path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == path.as_str())
        .ok_or(PageError::NotFound)?;
    Ok(serve(asset))
}

/// `/favicon.ico`, which browsers ask for whatever the page links: the SVG
/// icon, so no page logs a missing file.
pub async fn favicon() -> HttpResponse {
    serve(&FAVICON)
}

fn serve(asset: &Asset) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(asset.body)
}
