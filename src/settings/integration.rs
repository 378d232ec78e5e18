//! The operations and integrations settings (webhooks, API, metrics,
//! backups): yes/no flags as people write them, their checks, and what they
//! allow webhook endpoints to be.

use anyhow::bail;
use secrecy::ExposeSecret;
use serde::Deserialize;

/// A yes/no setting as people write it in the environment: `1`/`0`,
/// `true`/`false`, `yes`/`no`.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    match Written::deserialize(d)? {
        Written::Bool(value) => Ok(value),
        Written::Number(1) => Ok(true),
        Written::Number(0) => Ok(false),
        Written::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not a yes/no value (use 1 or 0)"
            ))),
        },
        Written::Number(other) => Err(serde::de::Error::custom(format!(
            "{other} is not a yes/no value (use 1 or 0)"
        ))),
    }
}

impl super::Settings {
    /// How far sales and admins may discount.
    pub fn discount_limits(&self) -> crate::domain::offer::DiscountLimits {
        crate::domain::offer::DiscountLimits {
            sales_percent: self.discount_limit_sales_percent,
            admin_percent: self.discount_limit_admin_percent,
        }
    }

    /// What webhook endpoints may be, per the settings.
    pub fn webhook_policy(&self) -> crate::domain::webhook::EndpointPolicy {
        crate::domain::webhook::EndpointPolicy {
            allow_insecure: self.webhook_allow_insecure,
            allow_internal: self.webhook_allow_private,
        }
    }
}

/// The operations and integrations settings' own checks, at load.
pub fn check(settings: &super::Settings) -> anyhow::Result<()> {
    let (sales, admin) = (
        settings.discount_limit_sales_percent,
        settings.discount_limit_admin_percent,
    );
    if !(0.0..=100.0).contains(&sales) || !(sales..=100.0).contains(&admin) {
        bail!(
            "REPORTDESK_DISCOUNT_LIMIT_SALES_PERCENT and REPORTDESK_DISCOUNT_LIMIT_ADMIN_PERCENT must be percentages with the sales limit at most the admin limit"
        );
    }
    if settings.backup_hour > 23 {
        bail!("REPORTDESK_BACKUP_HOUR is an hour of the day, 0 to 23 (UTC)");
    }
    if settings
        .metrics_token
        .as_ref()
        .is_some_and(|t| t.expose_secret().len() < 24)
    {
        bail!("REPORTDESK_METRICS_TOKEN must be at least 24 characters");
    }
    if settings.webhook_timeout_seconds == 0
        || settings.webhook_max_attempts < 1
        || settings.webhook_retry_seconds < 1
        || settings.api_requests_per_minute == 0
    {
        bail!(
            "REPORTDESK_WEBHOOK_TIMEOUT_SECONDS, REPORTDESK_WEBHOOK_MAX_ATTEMPTS, REPORTDESK_WEBHOOK_RETRY_SECONDS and REPORTDESK_API_REQUESTS_PER_MINUTE must each be at least 1"
        );
    }
    Ok(())
}
