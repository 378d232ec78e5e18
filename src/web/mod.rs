//! The HTTP layer: handlers with their page structs beside them, the
//! extractors, the one page responder and the error pages. The route table
//! is `app::routes`. Below this layer nothing knows HTTP.

pub mod admin;
pub mod api;
pub mod charts;
pub mod compact;
pub mod deadline;
pub mod encoding;
pub mod error;
pub mod extract;
pub mod health;
pub mod inbound;
pub mod metrics;
pub mod offer_steps;
pub mod page;
pub mod public;
pub mod static_files;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use self::error::error_response;

/// Fallback for unknown paths.
pub async fn not_found() -> HttpResponse {
    error_response(StatusCode::NOT_FOUND)
}

/// Fallback for a known path asked with a method it does not take.
pub async fn method_not_allowed() -> HttpResponse {
    error_response(StatusCode::METHOD_NOT_ALLOWED)
}
