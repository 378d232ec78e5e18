//! DKIM signing of every mail for the From domain, so mail relayed or
//! forwarded still passes DMARC. The key is read once, at start.
//!
//! Keys: RSA (2048 bits or more) as PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`,
//! `openssl genrsa -traditional 2048`), or Ed25519 as PKCS#8 PEM
//! (`BEGIN PRIVATE KEY`, `openssl genpkey -algorithm ed25519`).

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::header::HeaderName;
use lettre::message::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};

use crate::settings::Settings;

/// An Ed25519 private key in PKCS#8 DER is this prefix and the 32-byte seed.
pub(super) const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The signing set-up from `REPORTDESK_DKIM_SELECTOR` and
/// `REPORTDESK_DKIM_PRIVATE_KEY_FILE` (both or neither), for `domain`.
pub fn dkim_config(settings: &Settings, domain: &str) -> anyhow::Result<Option<DkimConfig>> {
    let (selector, path) = match (&settings.dkim_selector, &settings.dkim_private_key_file) {
        (None, None) => return Ok(None),
        (Some(selector), Some(path)) => (selector, path),
        (Some(_), None) => {
            bail!("REPORTDESK_DKIM_SELECTOR is set but REPORTDESK_DKIM_PRIVATE_KEY_FILE is not")
        }
        (None, Some(_)) => {
            bail!("REPORTDESK_DKIM_PRIVATE_KEY_FILE is set but REPORTDESK_DKIM_SELECTOR is not")
        }
    };
    let pem = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read REPORTDESK_DKIM_PRIVATE_KEY_FILE {path}"))?;
    let key =
        signing_key(&pem).with_context(|| format!("REPORTDESK_DKIM_PRIVATE_KEY_FILE {path}"))?;
    // Relaxed both ways: relays that refold headers or trim spaces do not
    // break the signature.
    let relaxed = DkimCanonicalization {
        header: DkimCanonicalizationType::Relaxed,
        body: DkimCanonicalizationType::Relaxed,
    };
    let headers = ["From", "To", "Subject", "Date", "Message-ID"]
        .map(HeaderName::new_from_ascii_str)
        .to_vec();
    Ok(Some(DkimConfig::new(
        selector.clone(),
        domain.to_owned(),
        key,
        headers,
        relaxed,
    )))
}

/// The 32-byte seed of an Ed25519 key in PKCS#8 PEM; `None` for another
/// PKCS#8 key.
pub(super) fn ed25519_seed(pem: &str) -> anyhow::Result<Option<[u8; 32]>> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD
        .decode(body.trim())
        .context("the PEM body is not base64")?;
    Ok(der
        .strip_prefix(&ED25519_PKCS8_PREFIX[..])
        .and_then(|seed| seed.try_into().ok()))
}

pub(super) fn signing_key(pem: &str) -> anyhow::Result<DkimSigningKey> {
    if pem.contains("BEGIN RSA PRIVATE KEY") {
        return DkimSigningKey::new(pem, DkimSigningAlgorithm::Rsa)
            .map_err(|e| anyhow::anyhow!("not a usable RSA key: {e}"));
    }
    if pem.contains("BEGIN PRIVATE KEY") {
        if let Some(seed) = ed25519_seed(pem)? {
            return DkimSigningKey::new(&STANDARD.encode(seed), DkimSigningAlgorithm::Ed25519)
                .map_err(|e| anyhow::anyhow!("not a usable Ed25519 key: {e}"));
        }
        bail!(
            "a PKCS#8 key must be Ed25519; write an RSA key as PKCS#1 (openssl genrsa -traditional 2048)"
        );
    }
    bail!("not a PEM private key (RSA as PKCS#1, or Ed25519 as PKCS#8)")
}
