//! Errors that reach the browser. Expected failures render a page with the right
//! status; unexpected ones are logged with their cause chain and shown as a plain
//! 500 page that reveals nothing of the internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::web::page::PageMeta;

/// Where a staff member turns two-factor login on.
pub const ENROLMENT_PAGE: &str = "/admin/account/two-factor";

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: i64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("malformed request")]
    BadRequest,
    /// The request body did not arrive in time: answered, and the
    /// connection closed.
    #[error("request body too slow")]
    RequestTimeout,
    /// A compressed request body: refused unread.
    #[error("request bodies are not taken compressed")]
    UnsupportedEncoding,
    /// Staff pages without a valid session: the answer is the login page,
    /// which returns to `next` (a checked desk path) afterwards.
    #[error("login required")]
    LoginRequired { next: Option<String> },
    /// Two-factor login is required and this staff member has not turned it
    /// on: every desk page leads to the page that does.
    #[error("two-factor login required")]
    TwoFactorRequired,
    #[error("forbidden")]
    Forbidden,
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
            StatusCode::TOO_MANY_REQUESTS => (
                "Too many requests",
                "We received many requests from your network in a short time. Please wait a minute and send the form again; what you typed is not lost if you go back.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "That was too much text",
                "The form you sent is larger than we accept. Please shorten your message and try again.",
            ),
            StatusCode::FORBIDDEN => (
                "You cannot do that here",
                "Your account has no access to this page, or the form you sent was out of date. Go back, reload the page and try again.",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "The form took too long to arrive",
                "Your connection sent the form too slowly, so we stopped waiting. Nothing was stored. Please go back and send it again.",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "We could not read that request",
                "The form arrived compressed, which we do not accept. Please send it again from the page itself.",
            ),
            StatusCode::BAD_REQUEST => (
                "We could not read that request",
                "The request was not a form we understand. Please go back to the page and use the form there.",
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
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::UnsupportedEncoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::LoginRequired { .. } | Self::TwoFactorRequired => StatusCode::SEE_OTHER,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                error_response(self.status_code())
            }
            Self::TooManyRequests {
                retry_after_seconds,
            } => {
                let mut response = error_response(self.status_code());
                response.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from(*retry_after_seconds),
                );
                response
            }
            Self::RequestTimeout => {
                let mut response = error_response(self.status_code());
                response
                    .head_mut()
                    .set_connection_type(actix_web::http::ConnectionType::Close);
                response
            }
            Self::LoginRequired { next } => {
                let location = match next {
                    Some(next) => format!(
                        "/admin/login?next={}",
                        percent_encoding::utf8_percent_encode(
                            next,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    ),
                    None => "/admin/login".to_owned(),
                };
                HttpResponse::SeeOther()
                    .insert_header((actix_web::http::header::LOCATION, location))
                    .finish()
            }
            Self::TwoFactorRequired => HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, ENROLMENT_PAGE))
                .finish(),
            _ => error_response(self.status_code()),
        }
    }
}
