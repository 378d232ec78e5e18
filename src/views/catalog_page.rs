//! The catalog: every report, or those matching `?q=`.

use askama::Template;

use super::layout::PageMeta;

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
