//! The one page responder: a template rendered into a response with its
//! status, and what `base.html` needs on every page (title, description,
//! canonical URL and the Open Graph tags built from them).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::error::PageError;
use crate::domain::publisher::Publisher;

/// Renders a page with a status: 200 for a page, 422 for a form shown again
/// with what was wrong.
pub fn render<T: Template>(page: &T, status: StatusCode) -> Result<HttpResponse, PageError> {
    let body = page.render().map_err(anyhow::Error::from)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A page: 200.
pub fn ok<T: Template>(page: &T) -> Result<HttpResponse, PageError> {
    render(page, StatusCode::OK)
}

/// A form page: 422 when it shows a problem, so the browser and any client
/// know the request was refused, else 200.
pub fn form<T: Template>(page: &T, has_problem: bool) -> Result<HttpResponse, PageError> {
    let status = if has_problem {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(page, status)
}

/// 303 after every successful POST, so a reload never repeats it.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

#[derive(Debug, Clone)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL; `None` for pages that must not be indexed (errors).
    pub canonical: Option<String>,
    pub og_type: &'static str,
    /// Public pages name the publisher in their footer.
    pub footer: Option<Publisher>,
    /// The picture link previews show, when the page has one.
    pub image: Option<ShareImage>,
}

/// A 1200×630 picture for Open Graph and Twitter cards.
#[derive(Debug, Clone)]
pub struct ShareImage {
    /// Absolute URL.
    pub url: String,
    /// What the picture shows, for people who cannot see it.
    pub alt: String,
}

pub const SITE_NAME: &str = "reportdesk";

impl PageMeta {
    pub fn new(public_base: &str, path: &str, title: &str, description: &str) -> Self {
        Self {
            title: format!("{title} | {SITE_NAME}"),
            description: description.to_owned(),
            canonical: Some(format!("{public_base}{path}")),
            og_type: "website",
            footer: None,
            image: None,
        }
    }

    pub fn footed_by(mut self, publisher: &Publisher) -> Self {
        self.footer = Some(publisher.clone());
        self
    }

    pub fn with_image(mut self, url: String, alt: String) -> Self {
        self.image = Some(ShareImage { url, alt });
        self
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
            footer: None,
            image: None,
        }
    }
}
