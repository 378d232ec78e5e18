//! The Slack / Teams preset: the delivery's payload said as one line a person
//! reads in a channel, with a link to the lead on the desk. Both products'
//! incoming webhooks take `{"text": "…"}`.

use serde_json::{Value, json};

use crate::domain::lead_kind::LeadKind;
use crate::domain::licence::Licence;
use crate::domain::webhook::WebhookEvent;

/// "New discount request: Acme Health, Global Medical Second Opinion Market,
/// multi-user licence — https://…/admin/leads/12"
pub fn text(payload: &Value, public_base: &str) -> String {
    let lead = &payload["data"]["lead"];
    let event = &payload["data"]["event"];
    let str_of = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let company = str_of(&lead["contact"]["company"]);
    let report = str_of(&lead["report"]["title"]);
    let link = format!(
        "{public_base}/admin/leads/{}",
        lead["id"].as_i64().unwrap_or_default()
    );
    let kind = match lead["kind"].as_str().and_then(LeadKind::from_db) {
        Some(LeadKind::Discount) => "discount request".to_owned(),
        Some(other) => other.label().to_lowercase(),
        None => "request".to_owned(),
    };
    let licence = match lead["licence"].as_str().and_then(Licence::from_db) {
        Some(Licence::Single) => ", single-user licence",
        Some(Licence::Multi) => ", multi-user licence",
        Some(Licence::Enterprise) => ", enterprise licence",
        None => "",
    };
    let what = match payload["type"].as_str().and_then(WebhookEvent::parse) {
        Some(WebhookEvent::LeadCreated) => format!("New {kind}: {company}, {report}{licence}"),
        Some(WebhookEvent::LeadStatusChanged) => format!(
            "{company}'s {kind} moved from {} to {}",
            str_of(&event["from"]),
            str_of(&event["to"])
        ),
        Some(WebhookEvent::LeadAssigned) => {
            let owner = lead["owner"]["name"].as_str().unwrap_or("nobody");
            format!("{company}'s {kind} is now {owner}'s")
        }
        Some(WebhookEvent::LeadNoteAdded) => format!("A note on {company}'s {kind}"),
        Some(WebhookEvent::MailDead) => {
            format!("A mail about {company}'s {kind} could not be delivered")
        }
        Some(WebhookEvent::SampleDownloaded) => {
            format!("{company} downloaded the sample of {report}")
        }
        Some(WebhookEvent::EmailReceived) => format!("{company} answered about their {kind}"),
        Some(WebhookEvent::MailBounced) => format!("A mail to {company} bounced"),
        None => format!("{company}'s {kind}"),
    };
    format!("{what} — {link}")
}

/// The body a chat endpoint receives.
pub fn body(payload: &Value, public_base: &str) -> Value {
    json!({ "text": text(payload, public_base) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_discount_request_reads_as_one_line_with_its_link() {
        let payload = json!({
            "type": WebhookEvent::LeadCreated.as_str(),
            "data": { "lead": {
                "id": 12, "kind": LeadKind::Discount.as_db(), "licence": Licence::Multi.as_db(),
                "contact": { "company": "Acme Health" },
                "report": { "title": "Global Medical Second Opinion Market" }
            }, "event": {} }
        });
        assert_eq!(
            text(&payload, "https://reports.example"),
            "New discount request: Acme Health, Global Medical Second Opinion Market, \
             multi-user licence — https://reports.example/admin/leads/12"
        );
    }
}
