//! The sales desk under `/admin`. Every handler but login takes a `Staff`
//! (a valid session); every POST checks the session's CSRF token.

pub mod account;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod dashboard;
pub mod export;
pub mod leads;
pub mod login;
pub mod routing;
pub mod users;

use actix_web::HttpResponse;
use actix_web::http::header;

/// 303 after every successful POST, so a reload never repeats it.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
