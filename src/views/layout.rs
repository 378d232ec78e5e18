//! What `base.html` needs on every page: title, description, canonical URL and
//! the Open Graph tags built from them.

#[derive(Debug, Clone)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL; `None` for pages that must not be indexed (errors).
    pub canonical: Option<String>,
    pub og_type: &'static str,
}

pub const SITE_NAME: &str = "reportdesk";

impl PageMeta {
    pub fn new(public_base: &str, path: &str, title: &str, description: &str) -> Self {
        Self {
            title: format!("{title} | {SITE_NAME}"),
            description: description.to_owned(),
            canonical: Some(format!("{public_base}{path}")),
            og_type: "website",
        }
    }

    pub fn article(mut self) -> Self {
        self.og_type = "article";
        self
    }

    /// For pages with no address of their own, such as error pages.
    pub fn plain(title: &str) -> Self {
        Self {
            title: format!("{title} | {SITE_NAME}"),
            description: format!("{title}."),
            canonical: None,
            og_type: "website",
        }
    }
}
