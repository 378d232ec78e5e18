//! Reading a page by its structure (CSS selectors) where a substring would
//! depend on attribute order or whitespace.

use scraper::{Html, Selector};

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

/// The text of every element matching `css`, trimmed.
pub fn texts(page: &str, css: &str) -> Vec<String> {
    Html::parse_document(page)
        .select(&selector(css))
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// The value of `attribute` on every element matching `css` that has it.
pub fn attributes(page: &str, css: &str, attribute: &str) -> Vec<String> {
    Html::parse_document(page)
        .select(&selector(css))
        .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
        .collect()
}
