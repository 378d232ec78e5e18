//! `/metrics` in the Prometheus text format: on the main listener only with
//! `REPORTDESK_METRICS_TOKEN` as a bearer token (and not at all when a metrics
//! listener of its own is set), or on `REPORTDESK_METRICS_BIND` without one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use crate::db::{now_unix, run_blocking};
use crate::monitoring::{record, shared_state};
use crate::state::AppState;
use crate::web::error::error_response;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// On the main listener.
pub async fn guarded(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    use actix_web::http::StatusCode;
    let token = match (&state.settings.metrics_bind, &state.settings.metrics_token) {
        (None, Some(token)) => token,
        // Served elsewhere, or not at all: as if the route did not exist.
        _ => return error_response(StatusCode::NOT_FOUND),
    };
    if !crate::web::extract::bearer_is(&req, token.expose_secret()) {
        let mut refused = error_response(StatusCode::UNAUTHORIZED);
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return refused;
    }
    open(state).await
}

/// On the metrics listener, which only the scraper reaches.
pub async fn open(state: web::Data<AppState>) -> HttpResponse {
    let targets = state.settings.response_targets();
    let shared = run_blocking(&state.pool, move |conn| {
        Ok(shared_state::read(conn, &targets, now_unix())?)
    })
    .await;
    let mut body = record::handle().map(|h| h.render()).unwrap_or_default();
    match shared {
        Ok(shared) => body.push_str(&shared.render(&state.pool)),
        Err(error) => {
            // The instance's own counters still help; the database's state
            // is what is missing, and the health check says why.
            tracing::warn!(%error, "metrics: cannot read the shared state");
        }
    }
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(body)
}
