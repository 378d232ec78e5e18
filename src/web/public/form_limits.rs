//! How much of a form body is read, and what a body that cannot be read
//! is answered with.

use actix_web::error::UrlencodedError;
use actix_web::web;

use crate::web::deadline::is_too_slow;
use crate::web::error::PageError;

/// Larger form bodies are refused (413) before they are parsed.
pub const MAX_FORM_BYTES: usize = 32 * 1024;

/// Form-body limits and errors as pages: too large → 413, not a form → 400.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(MAX_FORM_BYTES)
        .error_handler(|error, _req| {
            let page = match error {
                UrlencodedError::Overflow { .. } => PageError::PayloadTooLarge,
                UrlencodedError::Payload(ref cause) if is_too_slow(cause) => {
                    PageError::RequestTimeout
                }
                _ => PageError::BadRequest,
            };
            actix_web::error::InternalError::from_response(
                error,
                actix_web::ResponseError::error_response(&page),
            )
            .into()
        })
}
