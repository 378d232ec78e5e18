//! Settings: code defaults, then an optional `reportdesk.toml` in the working
//! directory, then `REPORTDESK_*` environment variables (highest).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Every setting. `Settings::default()` is the one list of code defaults;
/// `MEANINGS` says what each is, for `--help` (a test holds the README to both).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub bind: SocketAddr,
    pub public_url: String,
    pub database_url: String,
    /// Hex, at least 64 bytes once decoded. `None` means "use `data/secret.key`,
    /// creating it on first start".
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
    pub mail_url: String,
    pub mail_from: String,
    pub sales_inbox: String,
    /// Sending attempts before a mail is marked `dead`.
    pub mail_max_attempts: i32,
    /// Delay before the first retry; it doubles per attempt up to one hour.
    pub mail_retry_seconds: i64,
    /// How long a worker owns a claimed mail; after a crash the mail is sent
    /// again once this has passed. Longer than one send can take.
    pub mail_lease_seconds: i64,
    /// One mail's whole SMTP exchange, connect to final reply, ends by then.
    pub mail_timeout_seconds: u64,
    /// A PEM file of extra roots to trust for the mail server's TLS.
    pub mail_ca_file: Option<String>,
    /// The EHLO name; unset, the host of `public_url`.
    pub mail_helo_name: Option<String>,
    /// Who the buyer deals with: named in every buyer mail's footer.
    pub publisher_name: String,
    pub publisher_address: String,
    pub publisher_url: String,
    /// DKIM: the selector published in DNS, and the private key's PEM file.
    pub dkim_selector: Option<String>,
    pub dkim_private_key_file: Option<String>,
    pub form_min_seconds: u64,
    pub rate_limit_per_minute: u32,
    /// Buyer confirmations one client address may cause in an hour.
    pub confirmations_per_client_per_hour: u32,
    /// Which sample requests get the sample at once: `business`, `all` or `review`.
    pub sample_release: crate::domain::sample::SampleRelease,
    /// Under `business`, the least score a request needs for its sample.
    pub sample_min_score: i32,
    /// A sample link works this many days, and this many downloads.
    pub sample_link_days: i64,
    pub sample_max_downloads: i32,
    /// The domain whose `reply+…@` and `bounce+…@` addresses reportdesk
    /// receives (MX to this host); unset = no inbound mail.
    pub inbound_domain: Option<String>,
    /// Bearer token of `POST /inbound/email`; unset = the endpoint is off.
    #[serde(skip_serializing)]
    pub inbound_token: Option<SecretString>,
    /// The inbound SMTP listener's address; unset = off.
    pub inbound_smtp_bind: Option<std::net::SocketAddr>,
    /// Where the server's daily backup goes; unset = no daily backup.
    pub backup_dir: Option<PathBuf>,
    /// The hour (UTC) of the daily backup.
    pub backup_hour: u32,
    /// A listener of its own for `/metrics` (no token there); the main
    /// listener then refuses `/metrics`.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// Bearer token for `/metrics` on the main listener (≥ 24 characters).
    #[serde(skip_serializing)]
    pub metrics_token: Option<SecretString>,
    /// A request body must have arrived this long after it began.
    pub request_timeout_seconds: u64,
    /// Every staff member must turn on two-factor login before using the desk.
    #[serde(deserialize_with = "integration::flag")]
    pub require_two_factor: bool,
    /// A staff session ends after this long without a request.
    pub session_idle_seconds: i64,
    /// A staff session ends this long after login, however busy.
    pub session_max_seconds: i64,
    /// First-response targets per kind, in minutes.
    pub response_target_discount_minutes: i64,
    pub response_target_sample_request_minutes: i64,
    pub response_target_inquiry_minutes: i64,
    /// When targets and grace periods count: `Mon-Fri 09:00-18:00`, or
    /// `always`, in `timezone` (an IANA name), which the desk shows times in.
    pub working_hours: String,
    pub timezone: String,
    /// The two above, read once (every desk page asks for them).
    #[serde(skip)]
    working_hours_read: std::sync::OnceLock<crate::domain::working_hours::WorkingHours>,
    /// A follow-up this many working hours late is reported to the sales inbox.
    pub follow_up_grace_hours: i64,
    /// An open lead with no event for this many days is marked stalled.
    pub stalled_days: i64,
    /// Overdue leads and due follow-ups are looked for this often (0 is refused).
    pub sweep_seconds: std::num::NonZeroU64,
    /// A webhook receiver must answer within this many seconds.
    pub webhook_timeout_seconds: u64,
    /// Attempts per webhook delivery before it is dead.
    pub webhook_max_attempts: i32,
    /// The first retry's delay; it doubles per attempt, capped at an hour.
    pub webhook_retry_seconds: i64,
    /// Allows `http://` endpoints (in-house receivers, tests).
    #[serde(deserialize_with = "integration::flag")]
    pub webhook_allow_insecure: bool,
    /// Allows endpoints on loopback, private and link-local addresses.
    #[serde(deserialize_with = "integration::flag")]
    pub webhook_allow_private: bool,
    /// Offers up to this discount by sales are approved at once.
    pub discount_limit_sales_percent: f64,
    /// Nobody offers more; admins' offers up to it need no approval.
    pub discount_limit_admin_percent: f64,
    /// Requests per minute per API token.
    pub api_requests_per_minute: u32,
    /// Days after which closed-out contacts are erased; `None` keeps everything.
    pub retention_days: Option<i64>,
    /// Comma-separated IP addresses.
    pub trusted_proxies: String,
    pub log: String,
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".into(),
            database_url: "sqlite://data/reportdesk.sqlite3".into(),
            secret_key: None,
            mail_url: "file://data/mail".into(),
            mail_from: "reportdesk <no-reply@localhost>".into(),
            sales_inbox: "sales@localhost".into(),
            mail_max_attempts: 10,
            mail_retry_seconds: 30,
            mail_lease_seconds: 120,
            mail_timeout_seconds: 30,
            mail_ca_file: None,
            mail_helo_name: None,
            publisher_name: String::new(),
            publisher_address: String::new(),
            publisher_url: String::new(),
            dkim_selector: None,
            dkim_private_key_file: None,
            form_min_seconds: 3,
            rate_limit_per_minute: 10,
            confirmations_per_client_per_hour: 10,
            sample_release: crate::domain::sample::SampleRelease::Business,
            sample_min_score: 40,
            sample_link_days: 7,
            sample_max_downloads: 5,
            inbound_domain: None,
            inbound_token: None,
            inbound_smtp_bind: None,
            backup_dir: None,
            backup_hour: 3,
            metrics_bind: None,
            metrics_token: None,
            request_timeout_seconds: 10,
            require_two_factor: false,
            session_idle_seconds: 30 * 60,
            session_max_seconds: 12 * 60 * 60,
            response_target_discount_minutes: 120,
            response_target_sample_request_minutes: 240,
            response_target_inquiry_minutes: 480,
            working_hours: "Mon-Fri 09:00-18:00".into(),
            timezone: "UTC".into(),
            working_hours_read: std::sync::OnceLock::new(),
            follow_up_grace_hours: 24,
            stalled_days: 7,
            sweep_seconds: std::num::NonZeroU64::new(5).unwrap_or(std::num::NonZeroU64::MIN),
            webhook_timeout_seconds: 10,
            webhook_max_attempts: 30,
            webhook_retry_seconds: 30,
            webhook_allow_insecure: false,
            webhook_allow_private: false,
            discount_limit_sales_percent: 10.0,
            discount_limit_admin_percent: 40.0,
            api_requests_per_minute: 600,
            retention_days: None,
            trusted_proxies: String::new(),
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }
}

mod help;
#[cfg(test)]
use help::MEANINGS;
mod integration;
pub use help::help;

const MIN_SECRET_BYTES: usize = 64;

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        Self::from_figment(
            Figment::from(Serialized::defaults(Settings::default()))
                .merge(Toml::file("reportdesk.toml"))
                .merge(Env::prefixed("REPORTDESK_")),
        )
    }

    /// The code defaults alone, ignoring the file and the environment (tests
    /// start from these and set what they need).
    pub fn defaults() -> anyhow::Result<Self> {
        Self::from_figment(Figment::from(Serialized::defaults(Settings::default())))
    }

    fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let settings: Settings = figment.extract().context("invalid settings")?;
        if settings.retention_days.is_some_and(|d| d < 1) {
            bail!("REPORTDESK_RETENTION_DAYS must be at least 1 (or unset)");
        }
        if settings.sample_link_days < 1 || settings.sample_max_downloads < 1 {
            bail!(
                "REPORTDESK_SAMPLE_LINK_DAYS and REPORTDESK_SAMPLE_MAX_DOWNLOADS must be at least 1"
            );
        }
        if let Some(domain) = &settings.inbound_domain {
            if domain.trim().is_empty() || domain.contains(['@', ' ']) || !domain.contains('.') {
                bail!("REPORTDESK_INBOUND_DOMAIN must be a domain name such as in.example.com");
            }
        }
        if settings
            .inbound_token
            .as_ref()
            .is_some_and(|t| t.expose_secret().len() < 24)
        {
            bail!("REPORTDESK_INBOUND_TOKEN must be at least 24 characters");
        }
        if (settings.inbound_token.is_some() || settings.inbound_smtp_bind.is_some())
            && settings.inbound_domain.is_none()
        {
            bail!(
                "REPORTDESK_INBOUND_TOKEN and REPORTDESK_INBOUND_SMTP_BIND need REPORTDESK_INBOUND_DOMAIN: the domain replies and bounces are addressed to"
            );
        }
        integration::check(&settings)?;
        if settings.follow_up_grace_hours < 0 || settings.stalled_days < 1 {
            bail!(
                "REPORTDESK_FOLLOW_UP_GRACE_HOURS must be 0 or more and REPORTDESK_STALLED_DAYS at least 1"
            );
        }
        crate::domain::working_hours::WorkingHours::parse(
            &settings.working_hours,
            &settings.timezone,
        )
        .map_err(|problem| {
            anyhow::anyhow!("REPORTDESK_WORKING_HOURS / REPORTDESK_TIMEZONE: {problem}")
        })?;
        if settings.mail_max_attempts < 1 {
            bail!("REPORTDESK_MAIL_MAX_ATTEMPTS must be at least 1");
        }
        if settings.mail_retry_seconds < 1 || settings.mail_lease_seconds < 1 {
            bail!(
                "REPORTDESK_MAIL_RETRY_SECONDS and REPORTDESK_MAIL_LEASE_SECONDS must be at least 1"
            );
        }
        if !settings.public_url.starts_with("http://")
            && !settings.public_url.starts_with("https://")
        {
            bail!("REPORTDESK_PUBLIC_URL must start with http:// or https://");
        }
        Ok(settings)
    }

    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.request_timeout_seconds.max(1))
    }

    /// Public URL without a trailing slash, for building absolute links.
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    pub fn sample_rules(&self) -> crate::domain::sample::SampleRules {
        crate::domain::sample::SampleRules {
            release: self.sample_release,
            min_score: self.sample_min_score,
            link_days: self.sample_link_days,
            max_downloads: self.sample_max_downloads,
        }
    }

    pub fn response_targets(&self) -> crate::domain::response_clock::ResponseTargets {
        crate::domain::response_clock::ResponseTargets {
            discount_seconds: self.response_target_discount_minutes * 60,
            sample_request_seconds: self.response_target_sample_request_minutes * 60,
            inquiry_seconds: self.response_target_inquiry_minutes * 60,
            hours: self.working_hours(),
        }
    }

    /// The desk's working hours and zone, read on first use (settings edited
    /// in code are edited before that). `load` refused a wrong value, so the
    /// fallback (every hour, UTC) only meets such an edit.
    pub fn working_hours(&self) -> crate::domain::working_hours::WorkingHours {
        use crate::domain::working_hours::WorkingHours;
        self.working_hours_read
            .get_or_init(|| {
                WorkingHours::parse(&self.working_hours, &self.timezone)
                    .unwrap_or_else(|_| WorkingHours::always())
            })
            .clone()
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxy_ips(&self) -> anyhow::Result<Vec<std::net::IpAddr>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse().with_context(|| {
                    format!("REPORTDESK_TRUSTED_PROXIES: {s:?} is not an IP address")
                })
            })
            .collect()
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The secret key bytes: from the setting, or from `data/secret.key`, which is
    /// created (mode 0600) on first use so a fresh checkout runs with no set-up.
    pub fn secret_key_bytes(&self) -> anyhow::Result<Vec<u8>> {
        match &self.secret_key {
            Some(hex_key) => decode_secret(hex_key.expose_secret())
                .context("REPORTDESK_SECRET_KEY is not usable"),
            None => load_or_create_secret_file(Path::new("data/secret.key")),
        }
    }
}

fn decode_secret(hex_key: &str) -> anyhow::Result<Vec<u8>> {
    let bytes = hex::decode(hex_key.trim()).context("it must be hexadecimal")?;
    if bytes.len() < MIN_SECRET_BYTES {
        bail!(
            "it must be at least {MIN_SECRET_BYTES} bytes ({} hex characters)",
            MIN_SECRET_BYTES * 2
        );
    }
    Ok(bytes)
}

fn load_or_create_secret_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return decode_secret(&text).with_context(|| format!("{} is not usable", path.display()));
    }
    let key: [u8; MIN_SECRET_BYTES] = rand::random();
    let hex_key = hex::encode(key);
    write_private_file(path, &hex_key)?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key.to_vec())
}

fn write_private_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Where a `sqlite://` URL points. Accepts `sqlite://relative/path`,
/// `sqlite:///absolute/path` and `sqlite:path`.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest))
}

#[cfg(test)]
mod tests;
