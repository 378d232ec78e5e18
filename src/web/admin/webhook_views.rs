//! What the webhooks page shows of endpoints and deliveries (also used by a
//! lead's timeline).

use crate::db::models::webhook_delivery::DeliveryRow;
use crate::db::models::webhook_endpoint::WebhookEndpoint;
use crate::format::format_time;

pub struct EndpointView {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: String,
    pub format: &'static str,
    pub state: String,
}

pub struct DeliveryView {
    pub id: i64,
    pub event: String,
    pub lead_id: Option<i64>,
    pub endpoint: String,
    pub status: String,
    pub code: String,
    pub attempts: i32,
    pub at: String,
    pub error: String,
}

#[derive(Default)]
pub struct Draft {
    pub url: String,
    pub description: String,
    pub events: Vec<&'static str>,
    pub format: String,
    pub enabled: bool,
}

impl DeliveryView {
    pub fn of(row: DeliveryRow) -> Self {
        Self {
            id: row.id,
            event: row.event_type,
            lead_id: row.lead_id,
            endpoint: row.endpoint_url,
            status: row.status,
            code: row
                .response_code
                .map_or_else(|| "–".into(), |c| c.to_string()),
            attempts: row.attempts,
            at: format_time(row.delivered_at.unwrap_or(row.created_at)),
            error: row.last_error.unwrap_or_default(),
        }
    }
}

pub fn endpoint_view(endpoint: WebhookEndpoint) -> EndpointView {
    let state = match (
        endpoint.enabled,
        &endpoint.disabled_reason,
        endpoint.failing_since,
    ) {
        (true, _, Some(since)) => format!("on, failing since {}", format_time(since)),
        (true, _, None) => "on".to_owned(),
        (false, Some(reason), _) => format!("off: {reason}"),
        (false, None, _) => "off".to_owned(),
    };
    EndpointView {
        id: endpoint.id,
        format: endpoint.format().label(),
        events: endpoint.events.replace(' ', ", "),
        url: endpoint.url,
        description: endpoint.description,
        state,
    }
}
