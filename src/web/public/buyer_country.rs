//! The buyer's country, once they have told us in a form: kept in a cookie
//! of their browser (never on our side), so the report pages show prices in
//! their currency when nothing else is asked for.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::domain::country::Country;

const COOKIE: &str = "rd_country";

/// The cookie a form sets: the ISO 3166 code, for 180 days.
pub fn cookie(country: &Country, https: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, country.code())
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(180))
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .finish()
}

/// The country this browser's buyer gave, if it is one.
pub fn of(req: &HttpRequest) -> Option<Country> {
    Country::parse(req.cookie(COOKIE)?.value()).ok()
}
