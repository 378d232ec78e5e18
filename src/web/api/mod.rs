//! The JSON API under `/api/v1` for the publisher's CRM: bearer tokens,
//! RFC 9457 errors, an OpenAPI 3.1 description.

pub mod auth;
pub mod catalog;
pub mod leads;
pub mod openapi;
pub mod problem;
pub mod query;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use problem::Problem;

/// A JSON body larger than this is refused (a note is at most 5,000 chars).
const BODY_LIMIT: usize = 64 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(|error, _req: &HttpRequest| {
            let problem = match &error {
                JsonPayloadError::ContentType => Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "send the body as application/json",
                ),
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => {
                    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large")
                }
                JsonPayloadError::Deserialize(cause) if cause.is_data() => {
                    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, cause.to_string())
                }
                _ => Problem::new(StatusCode::BAD_REQUEST, "the body is not valid JSON"),
            };
            problem.into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req: &HttpRequest| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, error.to_string()).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_error: PathError, _req: &HttpRequest| {
        Problem::not_found("resource").into()
    })
}

pub async fn not_found() -> Result<HttpResponse, Problem> {
    Err(Problem::not_found("API route"))
}

pub async fn method_not_allowed() -> Result<HttpResponse, Problem> {
    Err(Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route does not take that method",
    ))
}
