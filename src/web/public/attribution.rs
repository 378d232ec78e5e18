//! First-touch attribution cookie: set on the first public page a visitor opens,
//! read when they submit a form.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};

use crate::domain::attribution::Attribution;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "rd_first_touch";
const COOKIE_DAYS: i64 = 90;

/// The UTM tags in a query string.
pub fn utm_from_query(query: &str) -> Attribution {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Utm {
        utm_source: Option<String>,
        utm_medium: Option<String>,
        utm_campaign: Option<String>,
    }
    let utm: Utm = serde_urlencoded::from_str(query).unwrap_or_default();
    Attribution {
        utm_source: utm.utm_source,
        utm_medium: utm.utm_medium,
        utm_campaign: utm.utm_campaign,
        ..Default::default()
    }
    .cleaned()
}

/// The attribution recorded on this visitor's first page view, if any.
pub fn first_touch(req: &HttpRequest) -> Option<Attribution> {
    let cookie = req.cookie(COOKIE_NAME)?;
    serde_urlencoded::from_str::<Attribution>(cookie.value())
        .ok()
        .map(Attribution::cleaned)
}

/// A referrer counts only when it is another site; our own pages say nothing
/// about how the visitor found us.
fn external_referrer(req: &ServiceRequest, public_base: &str) -> Option<String> {
    let referrer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let own_host = host_of(public_base);
    let request_host = req.connection_info().host().to_owned();
    let host = host_of(referrer);
    (host != own_host && host.as_deref() != Some(&request_host)).then(|| referrer.to_owned())
}

/// `host[:port]` as the URL gives it; `None` for what is not a URL.
fn host_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address).ok()?;
    Some(url[url::Position::BeforeHost..url::Position::AfterPort].to_owned())
}

/// Middleware on public pages: records the first touch in a cookie.
pub async fn record_first_touch(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let new_touch = if req.method() == Method::GET && req.cookie(COOKIE_NAME).is_none() {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        state.map(|state| {
            let mut touch = utm_from_query(req.query_string());
            touch.referrer = external_referrer(&req, state.settings.public_base());
            touch.landing_path = Some(req.path().to_owned());
            (touch.cleaned(), state.settings.is_https())
        })
    } else {
        None
    };
    let mut response = next.call(req).await?;
    if let Some((touch, https)) = new_touch {
        // Only pages that exist start a visit; a 404 is not a landing page.
        if response.status().is_success() {
            let value = serde_urlencoded::to_string(&touch).unwrap_or_default();
            let cookie = Cookie::build(COOKIE_NAME, value)
                .path("/")
                .max_age(Duration::days(COOKIE_DAYS))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(https)
                .finish();
            response.response_mut().add_cookie(&cookie)?;
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_tags_are_read_from_a_query_string() {
        let a =
            utm_from_query("utm_source=linkedin&utm_medium=social&utm_campaign=q4%20launch&x=1");
        assert_eq!(a.utm_source.as_deref(), Some("linkedin"));
        assert_eq!(a.utm_campaign.as_deref(), Some("q4 launch"));
        assert_eq!(utm_from_query("%%%"), Attribution::default());
    }

    #[test]
    fn hosts_are_compared_without_scheme_or_path() {
        let host = |address| host_of(address).unwrap_or_default();
        assert_eq!(host("https://www.google.com/search?q=x"), "www.google.com");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(host_of("not a url"), None);
    }
}
