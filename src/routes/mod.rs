//! HTTP handlers. The route table itself lives in `startup.rs`.

pub mod admin;
pub mod health;
pub mod public;
pub mod static_files;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::errors::error_response;

/// Fallback for unknown paths.
pub async fn not_found() -> HttpResponse {
    error_response(StatusCode::NOT_FOUND)
}

/// Fallback for a known path asked with a method it does not take.
pub async fn method_not_allowed() -> HttpResponse {
    error_response(StatusCode::METHOD_NOT_ALLOWED)
}
