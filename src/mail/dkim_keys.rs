//! DKIM keys as the commands see them: `mail dkim-keygen` makes one in the
//! form `dkim.rs` reads (RSA 2048 as PKCS#1 PEM, or Ed25519 as PKCS#8 PEM) and
//! prints the DNS TXT record that publishes its public half; `mail doctor`
//! derives that record from the configured key to compare with DNS.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{EncodePublicKey, LineEnding};

use super::dkim::{ED25519_PKCS8_PREFIX, ed25519_seed};

/// RSA keys shorter than this are refused by Gmail and friends.
const RSA_BITS: usize = 2048;
/// DNS character-strings hold 255 bytes; a longer TXT value is several.
const TXT_STRING_MAX: usize = 255;

/// A fresh key: its PEM file and the `p=` and `k=` of its DNS record.
pub struct DkimKey {
    pub pem: String,
    /// `rsa` or `ed25519`.
    pub algorithm: &'static str,
    /// Base64 of the public key (SubjectPublicKeyInfo for RSA, the raw 32
    /// bytes for Ed25519, as RFC 6376 and RFC 8463 say).
    pub public: String,
}

impl DkimKey {
    pub fn generate(ed25519: bool) -> anyhow::Result<Self> {
        if ed25519 {
            let seed: [u8; 32] = rand::random();
            let public = ed25519_dalek::SigningKey::from_bytes(&seed)
                .verifying_key()
                .to_bytes();
            let der = [&ED25519_PKCS8_PREFIX[..], &seed].concat();
            return Ok(Self {
                pem: pem("PRIVATE KEY", &der),
                algorithm: "ed25519",
                public: STANDARD.encode(public),
            });
        }
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
            .context("cannot make an RSA key")?;
        let pem = key
            .to_pkcs1_pem(LineEnding::LF)
            .context("cannot write the RSA key")?
            .to_string();
        let public = key
            .to_public_key()
            .to_public_key_der()
            .context("cannot write the RSA public key")?;
        Ok(Self {
            pem,
            algorithm: "rsa",
            public: STANDARD.encode(public.as_bytes()),
        })
    }

    /// The public half of a key file's PEM, in the record's terms.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        if pem.contains("BEGIN RSA PRIVATE KEY") {
            let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem).context("not a usable RSA key")?;
            let public = key.to_public_key().to_public_key_der()?;
            return Ok(Self {
                pem: pem.to_owned(),
                algorithm: "rsa",
                public: STANDARD.encode(public.as_bytes()),
            });
        }
        let seed = ed25519_seed(pem)?
            .context("not a PEM private key (RSA as PKCS#1, or Ed25519 as PKCS#8)")?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes();
        Ok(Self {
            pem: pem.to_owned(),
            algorithm: "ed25519",
            public: STANDARD.encode(public),
        })
    }

    /// The record's value: `v=DKIM1; k=rsa; p=…`.
    pub fn txt_value(&self) -> String {
        format!("v=DKIM1; k={}; p={}", self.algorithm, self.public)
    }

    /// The record as a zone file line, the value cut into 255-byte strings.
    pub fn zone_line(&self, selector: &str, domain: &str) -> String {
        let value = self.txt_value();
        let strings: Vec<String> = value
            .as_bytes()
            .chunks(TXT_STRING_MAX)
            .map(|chunk| format!("\"{}\"", String::from_utf8_lossy(chunk)))
            .collect();
        format!(
            "{selector}._domainkey.{domain}. IN TXT ( {} )",
            strings.join(" ")
        )
    }

    /// Writes the private key to a new file only its owner can read; an
    /// existing file is never replaced (it may be the key in use).
    pub fn write_new(&self, path: &Path) -> anyhow::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "{} exists already: choose another --out, or remove it if it is not the key in use",
                path.display()
            ),
            _ => anyhow::anyhow!("cannot create {}: {e}", path.display()),
        })?;
        file.write_all(self.pem.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut text = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text
}

/// A selector is one DNS label.
pub fn check_selector(selector: &str) -> anyhow::Result<()> {
    let label_ok = !selector.is_empty()
        && selector.len() <= 63
        && !selector.starts_with('-')
        && !selector.ends_with('-')
        && selector
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    anyhow::ensure!(
        label_ok,
        "--selector must be one DNS label (letters, digits, inner hyphens), e.g. rd2026"
    );
    Ok(())
}

/// The domain of `REPORTDESK_MAIL_FROM`: what DKIM signs for and DMARC checks.
pub fn from_domain(settings: &crate::settings::Settings) -> anyhow::Result<String> {
    let from: lettre::message::Mailbox = settings.mail_from.parse().with_context(|| {
        format!(
            "REPORTDESK_MAIL_FROM {:?} is not a mail address",
            settings.mail_from
        )
    })?;
    Ok(from.email.domain().to_owned())
}

/// `mail dkim-keygen`: writes the key and answers what to publish and set.
pub fn keygen(
    settings: &crate::settings::Settings,
    selector: &str,
    ed25519: bool,
    out: Option<std::path::PathBuf>,
) -> anyhow::Result<String> {
    check_selector(selector)?;
    let domain = from_domain(settings)?;
    let path = out.unwrap_or_else(|| format!("dkim-{selector}.pem").into());
    let key = DkimKey::generate(ed25519)?;
    key.write_new(&path)?;
    let kind = if ed25519 { "Ed25519" } else { "RSA 2048" };
    let absolute = std::fs::canonicalize(&path).unwrap_or(path);
    Ok(format!(
        "Wrote an {kind} key to {} (readable by its owner only).\n\
         Publish this DNS record for {domain}:\n\n{}\n\n\
         Once it resolves (reportdesk mail doctor), sign with:\n\
         REPORTDESK_DKIM_SELECTOR={selector}\n\
         REPORTDESK_DKIM_PRIVATE_KEY_FILE={}",
        absolute.display(),
        key.zone_line(selector, &domain),
        absolute.display(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_reads_back_as_a_signing_key_with_the_same_public_half() {
        for ed25519 in [true, false] {
            let key = DkimKey::generate(ed25519).unwrap();
            assert!(super::super::dkim::signing_key(&key.pem).is_ok());
            let read = DkimKey::from_pem(&key.pem).unwrap();
            assert_eq!(read.txt_value(), key.txt_value());
        }
    }

    #[test]
    fn a_long_record_is_cut_into_dns_strings() {
        let key = DkimKey {
            pem: String::new(),
            algorithm: "rsa",
            public: "A".repeat(392),
        };
        let line = key.zone_line("rd2026", "publisher.com");
        assert!(
            line.starts_with("rd2026._domainkey.publisher.com. IN TXT ( \"v=DKIM1; k=rsa; p=AAA")
        );
        assert_eq!(line.matches('"').count(), 4, "{line}");
    }

    #[test]
    fn a_selector_is_one_dns_label() {
        assert!(check_selector("rd2026").is_ok());
        assert!(check_selector("rd.2026").is_err());
        assert!(check_selector("").is_err());
    }
}
