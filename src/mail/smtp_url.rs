//! `REPORTDESK_MAIL_URL` for SMTP, read our way: `smtp://` upgrades with
//! STARTTLS whenever the server offers it, and credentials are never sent
//! in clear.
//!
//! - `smtp://host[:port]` (25): STARTTLS when offered; with credentials,
//!   STARTTLS is required (no AUTH over a clear connection).
//! - `smtp://host[:port]?tls=required` (587): STARTTLS or no send.
//! - `smtp://host[:port]?tls=none`: clear text, the only way to get it.
//! - `smtps://host[:port]` (465): TLS from the first byte.
//!
//! User and password are percent-encoded in the URL (`p%40ss` for `p@ss`).

use anyhow::{Context, bail};
use lettre::AsyncSmtpTransport;
use lettre::Tokio1Executor;
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use url::Url;

/// Where TLS trust and our name come from, beyond the URL.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// A PEM file of roots to trust besides the public ones (a relay with a
    /// private CA).
    pub ca_file: Option<String>,
    /// The name we give in EHLO.
    pub helo_name: Option<String>,
}

impl SmtpOptions {
    /// From the settings: extra TLS roots, and our EHLO name (a strict relay
    /// refuses a bare machine name), by default the public URL's host.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        let public_host = Url::parse(&settings.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        Self {
            ca_file: settings.mail_ca_file.clone(),
            helo_name: settings.mail_helo_name.clone().or(public_host),
        }
    }
}

fn decoded(text: &str) -> anyhow::Result<String> {
    Ok(percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .context("the user or password in REPORTDESK_MAIL_URL is not valid percent-encoded UTF-8")?
        .into_owned())
}

/// A transport builder for an `smtp://` or `smtps://` URL. Errors never
/// quote the URL (it may hold a password).
pub fn smtp_builder(url: &str, options: &SmtpOptions) -> anyhow::Result<AsyncSmtpTransportBuilder> {
    let parsed =
        Url::parse(url).map_err(|e| anyhow::anyhow!("REPORTDESK_MAIL_URL is not a URL: {e}"))?;
    let host = parsed
        .host_str()
        .context("REPORTDESK_MAIL_URL names no host")?
        .trim_matches(['[', ']'])
        .to_owned();
    let tls_mode = parsed
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    let credentials = match parsed.password() {
        Some(password) => Some(Credentials::new(
            decoded(parsed.username())?,
            decoded(password)?,
        )),
        None if !parsed.username().is_empty() => {
            bail!("REPORTDESK_MAIL_URL has a user but no password")
        }
        None => None,
    };
    let parameters = || -> anyhow::Result<TlsParameters> {
        let mut builder = TlsParameters::builder(host.clone());
        if let Some(path) = &options.ca_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read REPORTDESK_MAIL_CA_FILE {path}"))?;
            let root = Certificate::from_pem(&pem).map_err(|e| {
                anyhow::anyhow!("REPORTDESK_MAIL_CA_FILE {path} is not a PEM certificate: {e}")
            })?;
            builder = builder.add_root_certificate(root);
        }
        builder
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up TLS for the mail server: {e}"))
    };
    let (tls, default_port) = match (parsed.scheme(), tls_mode.as_deref()) {
        ("smtps", None) => (Tls::Wrapper(parameters()?), 465),
        ("smtp", Some("required")) => (Tls::Required(parameters()?), 587),
        ("smtp", Some("none")) => (Tls::None, 25),
        // Credentials are never sent in clear: with them, STARTTLS is a must.
        ("smtp", None | Some("opportunistic")) if credentials.is_some() => {
            (Tls::Required(parameters()?), 25)
        }
        ("smtp", None | Some("opportunistic")) => (Tls::Opportunistic(parameters()?), 25),
        ("smtp", Some(other)) => {
            bail!("REPORTDESK_MAIL_URL: tls={other} is not one of required, opportunistic or none")
        }
        (scheme, _) => bail!("REPORTDESK_MAIL_URL: {scheme}:// takes no tls= parameter"),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(parsed.port().unwrap_or(default_port))
        .tls(tls);
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    if let Some(name) = &options.helo_name {
        builder = builder.hello_name(ClientId::Domain(name.clone()));
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tls_modes_and_users_without_passwords_are_refused_without_quoting_the_url() {
        let options = SmtpOptions::default();
        let bad = smtp_builder("smtp://mailer:s3cret@relay.example?tls=maybe", &options);
        let message = bad.err().unwrap().to_string();
        assert!(
            message.contains("tls=maybe") && !message.contains("s3cret"),
            "{message}"
        );
        assert!(smtp_builder("smtp://mailer@relay.example", &options).is_err());
        assert!(smtp_builder("smtp://relay.example", &options).is_ok());
        assert!(smtp_builder("smtps://relay.example?tls=none", &options).is_err());
    }
}
