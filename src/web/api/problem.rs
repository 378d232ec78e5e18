//! API errors as `application/problem+json` (RFC 9457): the status, a short
//! title, what went wrong, and the field at fault where there is one.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::workflow::LeadChangeError;

/// An RFC 9457 problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[schema(example = "Unprocessable Content")]
    pub title: &'static str,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(
        example = "status must be one of new, contacted, qualified, proposal, won, lost, spam"
    )]
    pub detail: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "status")]
    pub field: Option<&'static str>,
    /// Seconds to wait (429 only; also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 422: a field's value is not acceptable.
    pub fn field(field: &'static str, detail: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("no such {what}"))
    }

    pub fn internal(error: impl std::fmt::Debug) -> Self {
        tracing::error!(error = ?error, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be completed; it has been logged",
        )
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        if self.status == 401 {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(self).unwrap_or_default())
    }
}

impl From<anyhow::Error> for Problem {
    fn from(error: anyhow::Error) -> Self {
        Self::internal(error)
    }
}

impl From<diesel::result::Error> for Problem {
    fn from(error: diesel::result::Error) -> Self {
        Self::internal(error)
    }
}

impl From<LeadChangeError> for Problem {
    fn from(error: LeadChangeError) -> Self {
        match error {
            LeadChangeError::NotFound => Self::not_found("lead"),
            // The lead's state does not allow it (a spam lead's status, a
            // missing next step): the request may be right another time.
            LeadChangeError::Refused(why) => Self::new(StatusCode::CONFLICT, why),
            LeadChangeError::Database(error) => Self::internal(error),
            LeadChangeError::Other(error) => Self::internal(error),
        }
    }
}
