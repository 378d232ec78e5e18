//! One attempt at a delivery: the request (signed per Standard Webhooks, or
//! the chat preset's text) and how it ended.

use url::Url;

use crate::db::models::webhook_delivery::ClaimedDelivery;
pub use crate::domain::webhook::EndpointPolicy;
use crate::domain::webhook::WebhookFormat;
use crate::security::address_guard::resolve_allowed;
use crate::security::webhook_signature::sign;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx in time.
    Delivered { code: u16 },
    /// 410: the receiver says the endpoint is gone for good.
    Gone,
    /// Any other answer, a timeout, or a refusal before sending.
    Failed { code: Option<u16>, error: String },
}

/// Why a URL cannot be an endpoint; `None` when it can, as far as its form
/// goes (the address is checked by `check_address`).
pub fn url_problem(url: &str, policy: EndpointPolicy) -> Option<String> {
    let Ok(parsed) = Url::parse(url) else {
        return Some("Give the endpoint's full URL, starting with https://".into());
    };
    match parsed.scheme() {
        "https" => {}
        "http" if policy.allow_insecure => {}
        "http" => {
            return Some(
                "Use an https:// URL (http:// needs REPORTDESK_WEBHOOK_ALLOW_INSECURE=1)".into(),
            );
        }
        _ => return Some("Give an https:// URL".into()),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("The URL has no host".into());
    }
    None
}

/// Resolves the URL's host and refuses internal addresses (unless allowed):
/// at save time and before every attempt.
pub async fn check_address(url: &str, policy: EndpointPolicy) -> Result<(), String> {
    let parsed = Url::parse(url).map_err(|e| e.to_string())?;
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port_or_known_default().unwrap_or(443);
    resolve_allowed(host, port, policy.allow_internal)
        .await
        .map(|_| ())
        .map_err(|refusal| refusal.to_string())
}

pub async fn attempt(
    client: &reqwest::Client,
    delivery: &ClaimedDelivery,
    policy: EndpointPolicy,
    public_base: &str,
    now: i64,
) -> Outcome {
    let url = &delivery.endpoint.url;
    let failed = |error: String| Outcome::Failed { code: None, error };
    if let Some(problem) = url_problem(url, policy) {
        return failed(problem);
    }
    if let Err(refusal) = check_address(url, policy).await {
        return failed(refusal);
    }
    let body = match delivery.endpoint.format() {
        WebhookFormat::Standard => delivery.payload.clone(),
        WebhookFormat::Chat => {
            let payload = serde_json::from_str(&delivery.payload).unwrap_or_default();
            super::chat::body(&payload, public_base).to_string()
        }
    };
    let signature = match sign(
        &delivery.endpoint.secret,
        &delivery.message_id,
        now,
        body.as_bytes(),
    ) {
        Ok(signature) => signature,
        Err(bad) => return failed(bad.to_string()),
    };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            // The status is the answer; the body is not read (a receiver that
            // sends a slow or endless one must not hold the worker), and the
            // connection goes with it.
            let code = response.status().as_u16();
            match code {
                200..=299 => Outcome::Delivered { code },
                410 => Outcome::Gone,
                _ => Outcome::Failed {
                    code: Some(code),
                    error: format!("the receiver answered {code}"),
                },
            }
        }
        Err(error) if error.is_timeout() => failed("the receiver did not answer in time".into()),
        Err(error) => failed(describe(error)),
    }
}

/// The error and its causes, without the URL (it may carry a token in its
/// query).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
