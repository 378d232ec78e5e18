//! A form sent to the desk after the session ended (idle, too old, logged
//! out) is not saved. Rather than a bare redirect that loses what was typed,
//! the answer is the login page saying so, with the form's text to copy, and
//! a way back to the page it came from.

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::db::now_unix;
use crate::security::return_path::safe_return_path;
use crate::security::session::{self, SessionLimits, SessionState};
use crate::state::AppState;
use crate::web::error::PageError;

/// Forms anyone may send: they need no session.
const OPEN_FORMS: [&str; 2] = ["/admin/login", "/admin/password-reset"];

/// Form bodies read back: more is not shown.
const SHOWN_BACK: usize = 64 * 1024;

pub async fn forms_need_a_session(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let open = OPEN_FORMS.iter().any(|p| req.path().starts_with(p));
    if req.method() != Method::POST || open || session_is_live(req.request()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let body = req.extract::<web::Bytes>().await.unwrap_or_default();
    let response = session_ended(req.request(), &body)
        .unwrap_or_else(|error| PageError::Internal(error).error_response());
    Ok(req.into_response(response))
}

fn session_is_live(req: &HttpRequest) -> bool {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return false;
    };
    let limits = SessionLimits {
        idle_seconds: state.settings.session_idle_seconds,
        max_seconds: state.settings.session_max_seconds,
    };
    matches!(
        session::read(&req.get_session(), now_unix(), limits),
        SessionState::Active { .. }
    )
}

/// The login page (401) with the form's typed values — never its password
/// or tokens — and the page it was sent from to return to.
fn session_ended(req: &HttpRequest, body: &[u8]) -> anyhow::Result<HttpResponse> {
    let body = &body[..body.len().min(SHOWN_BACK)];
    let typed: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let typed = typed
        .into_iter()
        .filter(|(name, value)| {
            !["csrf_token", "password", "form_token"].contains(&name.as_str())
                && !value.trim().is_empty()
        })
        .collect();
    let csrf = session::anonymous_csrf(&req.get_session())?;
    let page = super::login::session_ended_page(csrf, typed, referer_path(req))?;
    Ok(HttpResponse::Unauthorized()
        .content_type("text/html; charset=utf-8")
        .body(page))
}

/// The desk page a form was sent from (its `Referer`), if it is one.
fn referer_path(req: &HttpRequest) -> Option<String> {
    let referer = req
        .headers()
        .get(actix_web::http::header::REFERER)?
        .to_str()
        .ok()?;
    let url = url::Url::parse(referer).ok()?;
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    safe_return_path(&path)
}
