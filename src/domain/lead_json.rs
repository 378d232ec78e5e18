//! A lead as the JSON API and the webhooks show it: one shape for both, so a
//! CRM that reads a webhook and then the API sees the same fields. Times are
//! RFC 3339 in UTC; enumerations are their stored names.

use serde::Serialize;
use utoipa::ToSchema;

/// A lead with its contact, report, owner, score, attribution and consent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadJson {
    pub id: i64,
    /// `sample_request`, `inquiry` or `discount`.
    #[schema(example = "discount")]
    pub kind: String,
    /// `new`, `contacted`, `qualified`, `proposal`, `won`, `lost` or `spam`.
    #[schema(example = "new")]
    pub status: String,
    /// 0–100: how likely the request is a real buyer.
    pub score: i32,
    #[schema(example = "2026-11-27T09:14:03Z")]
    pub created_at: String,
    pub updated_at: String,
    /// When sales first reached the buyer, if they have.
    pub first_response_at: Option<String>,
    /// `single`, `multi` or `enterprise` (discount requests).
    pub licence: Option<String>,
    pub budget: Option<String>,
    pub message: Option<String>,
    /// Why the lead is held as spam, if it is.
    pub spam_reason: Option<String>,
    pub contact: ContactJson,
    pub report: ReportJson,
    pub owner: Option<UserJson>,
    pub attribution: AttributionJson,
    pub consent: ConsentJson,
    /// The lead's timeline (`GET /api/v1/leads/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventJson>>,
}

/// The buyer as they gave their details with this request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactJson {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "DE")]
    pub country: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportJson {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// Only in `GET /api/v1/reports`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserJson {
    pub id: i64,
    pub name: String,
    /// Only in `GET /api/v1/users`: `admin` or `sales`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// Where the buyer came from, as the form recorded it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttributionJson {
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: Option<String>,
}

/// What the buyer agreed to when sending the form.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentJson {
    /// The version of the consent text shown.
    pub text_version: String,
    pub given_at: String,
    pub marketing_opt_in: bool,
}

/// One entry of a lead's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventJson {
    pub id: i64,
    /// The event's kind, e.g. `created`, `status_changed`, `note`.
    pub kind: String,
    pub at: String,
    /// The staff member who caused it; absent for the system's own.
    pub actor: Option<UserJson>,
    /// The event's fields as stored.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// RFC 3339 in UTC, the API's time format.
pub fn api_time(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_times_are_rfc3339_in_utc() {
        assert_eq!(api_time(1_614_265_330), "2021-02-25T15:02:10Z");
    }
}
