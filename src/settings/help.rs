//! `reportdesk --help`'s list of settings.

use super::Settings;

/// What each setting means, in the order `--help` lists them; the default
/// shown beside it comes from `Settings::default()`, or is said here when a
/// setting has none.
pub(super) const MEANINGS: [(&str, &str); 56] = [
    ("bind", "listen address; port 0 = any free port"),
    ("public_url", "absolute base URL for links in mails"),
    (
        "database_url",
        "sqlite://PATH or postgres://user:pass@host:port/db",
    ),
    (
        "secret_key",
        "≥ 64 bytes as hex; shared by all instances [generated once into data/secret.key]",
    ),
    ("mail_url", "file://DIR or smtp[s]://…"),
    ("mail_from", "From of every mail"),
    ("sales_inbox", "receives every non-spam lead"),
    (
        "mail_max_attempts",
        "sending attempts before a mail is dead",
    ),
    (
        "mail_retry_seconds",
        "first retry delay, doubling up to 1 h",
    ),
    (
        "mail_lease_seconds",
        "a claimed mail is retried after a crash once this passes",
    ),
    (
        "mail_timeout_seconds",
        "one mail's whole SMTP exchange, connect to final reply; a hung one is a failed attempt",
    ),
    (
        "mail_ca_file",
        "PEM roots to trust for the mail server's TLS besides the public ones [unset]",
    ),
    (
        "mail_helo_name",
        "the name given in EHLO [unset = the host of REPORTDESK_PUBLIC_URL]",
    ),
    (
        "publisher_name",
        "the publisher, signing and footing every buyer mail [unset: the mails say so]",
    ),
    (
        "publisher_address",
        "postal address, one line, in buyer mails' footer",
    ),
    (
        "publisher_url",
        "the publisher's website, in buyer mails' footer",
    ),
    (
        "dkim_selector",
        "DKIM selector; with the key file, every mail is signed for the From domain [unset = unsigned]",
    ),
    (
        "dkim_private_key_file",
        "DKIM private key: RSA ≥ 2048 as PKCS#1 PEM, or Ed25519 as PKCS#8 PEM [unset]",
    ),
    ("form_min_seconds", "faster submissions are held as spam"),
    (
        "rate_limit_per_minute",
        "form POSTs per client IP per minute",
    ),
    (
        "confirmations_per_client_per_hour",
        "buyer confirmations one client IP may cause per hour (leads are stored regardless)",
    ),
    (
        "sample_release",
        "business: a sample request from a business address with a score ≥ sample_min_score gets the sample at once; all; review: never automatic",
    ),
    (
        "sample_min_score",
        "least score for an automatic sample under business",
    ),
    ("sample_link_days", "days a mailed sample link works"),
    (
        "sample_max_downloads",
        "downloads a mailed sample link allows",
    ),
    (
        "inbound_domain",
        "domain of the reply+…@ and bounce+…@ addresses (its MX points here) [unset = no inbound mail]",
    ),
    (
        "inbound_token",
        "bearer token of POST /inbound/email, at least 24 characters [unset = endpoint off]",
    ),
    (
        "inbound_smtp_bind",
        "address of the inbound SMTP listener, e.g. 127.0.0.1:2525 [unset = off]",
    ),
    (
        "working_hours",
        "when response targets and follow-up grace count, e.g. Mon-Fri 09:00-18:00 or always",
    ),
    (
        "timezone",
        "IANA time zone of the working hours and of times on the desk, e.g. Europe/Berlin",
    ),
    (
        "follow_up_grace_hours",
        "a follow-up this many working hours past due is reported to the sales inbox too",
    ),
    (
        "stalled_days",
        "an open lead with no event for this many days is marked stalled",
    ),
    (
        "sweep_seconds",
        "how often overdue leads and due follow-ups are looked for",
    ),
    (
        "backup_dir",
        "folder of the server's daily backup (once across instances; the newest 14 kept); unset = none",
    ),
    ("backup_hour", "hour of the daily backup, 0-23 UTC"),
    (
        "metrics_bind",
        "address of a listener serving only /metrics, e.g. 127.0.0.1:9464; the main listener then refuses /metrics",
    ),
    (
        "metrics_token",
        "bearer token for /metrics on the main listener (at least 24 characters); unset = /metrics off there",
    ),
    (
        "webhook_timeout_seconds",
        "a webhook receiver must answer (2xx) within this many seconds",
    ),
    (
        "webhook_max_attempts",
        "attempts per webhook delivery before it is dead (30 spans about a day)",
    ),
    (
        "webhook_retry_seconds",
        "the first webhook retry's delay; it doubles per attempt, capped at an hour",
    ),
    (
        "webhook_allow_insecure",
        "1 allows http:// webhook endpoints (otherwise https only)",
    ),
    (
        "webhook_allow_private",
        "1 allows webhook endpoints on loopback, private and link-local addresses",
    ),
    (
        "api_requests_per_minute",
        "requests per minute each API token may make",
    ),
    (
        "request_timeout_seconds",
        "a request body slower than this is answered 408 and let go",
    ),
    (
        "discount_limit_sales_percent",
        "sales' offers up to this discount need no approval; above it an admin approves",
    ),
    (
        "discount_limit_admin_percent",
        "no offer goes past this discount; admins' offers up to it need no approval",
    ),
    (
        "require_two_factor",
        "1 = every staff member turns on two-factor login before using the desk",
    ),
    (
        "session_idle_seconds",
        "staff session ends after this long idle",
    ),
    (
        "session_max_seconds",
        "staff session ends this long after login",
    ),
    ("response_target_discount_minutes", "first-response target"),
    (
        "response_target_sample_request_minutes",
        "first-response target",
    ),
    ("response_target_inquiry_minutes", "first-response target"),
    (
        "retention_days",
        "erase contacts whose leads are all lost/spam and older; purge spam after 30 days [unset = keep everything]",
    ),
    (
        "trusted_proxies",
        "comma-separated peers whose X-Forwarded-For is believed",
    ),
    ("log", "tracing filter"),
    ("log_format", "text or json"),
];

/// Every setting with its variable, meaning and default: `reportdesk --help`.
pub fn help() -> String {
    let defaults = serde_json::to_value(Settings::default()).unwrap_or_default();
    let mut text = String::from("Settings (code default → ./reportdesk.toml → environment):\n");
    for (field, meaning) in MEANINGS {
        let variable = format!("REPORTDESK_{}", field.to_uppercase());
        let default = match defaults.get(field) {
            Some(serde_json::Value::String(value)) if value.is_empty() => " [none]".to_owned(),
            Some(serde_json::Value::String(value)) => format!(" [{value}]"),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(value) => format!(" [{value}]"),
        };
        text.push_str(&format!("  {variable:<50} {meaning}{default}\n"));
    }
    text
}
