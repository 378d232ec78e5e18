//! Errors that reach the browser. Expected failures render a page with the right
//! status; unexpected ones are logged with their cause chain and shown as a plain
//! 500 page that reveals nothing of the internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::views::layout::PageMeta;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for PageError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Internal(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub meta: PageMeta,
    pub heading: &'static str,
    pub explanation: &'static str,
}

impl ErrorPage {
    pub fn for_status(status: StatusCode) -> Self {
        let (heading, explanation) = match status {
            StatusCode::NOT_FOUND => (
                "Page not found",
                "We could not find that page. It may have moved, or the address may be mistyped.",
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "That action is not available here",
                "This address does not accept that kind of request.",
            ),
            _ => (
                "Something went wrong on our side",
                "The problem has been logged. Please try again in a few minutes.",
            ),
        };
        Self {
            meta: PageMeta::plain(heading),
            heading,
            explanation,
        }
    }
}

/// Renders the error page; if even that fails, a fixed text keeps the status.
pub fn error_response(status: StatusCode) -> HttpResponse {
    let body = ErrorPage::for_status(status)
        .render()
        .unwrap_or_else(|_| "An error occurred.".to_owned());
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
        error_response(self.status_code())
    }
}
