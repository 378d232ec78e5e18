//! `POST /inbound/email`: a raw RFC 5322 message as the body, for Postfix
//! `pipe` + curl or a mail provider's raw inbound webhook. Bearer token
//! required; the same handling as the SMTP listener's.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use crate::db::{now_unix, run_blocking};
use crate::mail::inbound::{MAX_BYTES, Unreadable, parse};
use crate::state::AppState;
use crate::workflow::receive_mail::{Received, receive_mail};

/// Bodies up to the inbound limit (actix answers 413 past it).
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(MAX_BYTES)
}

fn answer(status: actix_web::http::StatusCode, body: serde_json::Value) -> HttpResponse {
    HttpResponse::build(status).json(body)
}

pub async fn receive(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let (Some(token), Some(own)) = (&state.settings.inbound_token, &state.mail_setup.replies)
    else {
        // Switched off: as if the route did not exist.
        return answer(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": "inbound mail is not set up"}),
        );
    };
    if !crate::web::extract::bearer_is(&request, token.expose_secret()) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .json(serde_json::json!({"error": "a valid bearer token is required"}));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("message/rfc822")
        .to_ascii_lowercase();
    if !["message/rfc822", "text/plain", "application/octet-stream"]
        .iter()
        .any(|t| content_type.starts_with(t))
    {
        return answer(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            serde_json::json!({"error": "send the raw message as message/rfc822"}),
        );
    }
    let mail = match parse(&body) {
        Ok(mail) => mail,
        Err(problem) => {
            let status = match problem {
                Unreadable::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            return answer(status, serde_json::json!({"error": problem.to_string()}));
        }
    };
    let (setup, own) = (state.mail_setup.clone(), own.clone());
    let size = body.len();
    let received = run_blocking(&state.pool, move |conn| {
        receive_mail(conn, &mail, size, "http", &setup, &own, now_unix())
    })
    .await;
    match received {
        Ok(received) => {
            state.work_queued();
            let (status, outcome, id) = match received {
                Received::Filed { inbound_id, .. } => (StatusCode::OK, "filed", Some(inbound_id)),
                Received::Unmatched { inbound_id } => {
                    (StatusCode::ACCEPTED, "unmatched", Some(inbound_id))
                }
                Received::Duplicate => (StatusCode::OK, "duplicate", None),
            };
            tracing::info!(outcome, "inbound mail received over HTTP");
            answer(status, serde_json::json!({"outcome": outcome, "id": id}))
        }
        Err(error) => {
            tracing::error!(error = %error, "inbound mail could not be stored");
            answer(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"error": "the mail could not be stored; send it again later"}),
            )
        }
    }
}
