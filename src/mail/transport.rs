//! Where mail goes: an SMTP server (lettre's URL forms) or, with no set-up, one
//! `.eml` file per mail in a folder.

use std::time::Duration;

use anyhow::{Context, bail};
use lettre::message::{Mailbox, Mailboxes, MultiPart};

use super::auto_submitted::AutoSubmitted;
use super::smtp_url::{SmtpOptions, smtp_builder};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;

const SMTP_IDLE: Duration = Duration::from_secs(5);
/// Mails sent at once. An SMTP exchange is mostly round trips, so a few in
/// parallel keep a burst of leads from queueing behind each other.
pub const PARALLEL_SENDS: usize = 8;

enum Via {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct MailTransport {
    via: Via,
    /// The whole exchange of one mail (connect to final reply) ends by then.
    deadline: Duration,
}

/// Why a mail was not sent. A permanent failure (a 5xx reply, a recipient
/// that cannot be written) will not change on a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl SendError {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl MailTransport {
    /// `file://DIR`, or SMTP as `smtp_url` reads it. `deadline` bounds each
    /// mail's whole exchange.
    pub fn from_url(url: &str, deadline: Duration, options: &SmtpOptions) -> anyhow::Result<Self> {
        if let Some(dir) = url.strip_prefix("file://") {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the mail folder {dir}"))?;
            let via = Via::Files(AsyncFileTransport::new(dir));
            return Ok(Self { via, deadline });
        }
        if url.starts_with("smtp://") || url.starts_with("smtps://") {
            let transport = smtp_builder(url, options)?
                .timeout(Some(deadline))
                // As many connections as the worker sends at once, closed when
                // idle so a quiet instance does not sit on a server's slots.
                .pool_config(
                    PoolConfig::new()
                        .max_size(PARALLEL_SENDS as u32)
                        .idle_timeout(SMTP_IDLE),
                )
                .build();
            let via = Via::Smtp(transport);
            return Ok(Self { via, deadline });
        }
        bail!("REPORTDESK_MAIL_URL must start with file://, smtp:// or smtps://")
    }

    /// Sends one message within the deadline. The error text is safe to
    /// store and log. lettre's own timeout covers each read and write, not the
    /// exchange: a server that trickles or stalls mid-reply is cut off here.
    pub async fn send(&self, message: Message, url: &str) -> Result<(), SendError> {
        let sending = async {
            match &self.via {
                Via::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                    let permanent = e.is_permanent();
                    SendError {
                        message: e.to_string(),
                        permanent,
                    }
                }),
                Via::Files(files) => files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError::transient(e.to_string())),
            }
        };
        let outcome = match tokio::time::timeout(self.deadline, sending).await {
            Ok(outcome) => outcome,
            Err(_) => Err(SendError::transient(format!(
                "the mail server did not finish within {} s",
                self.deadline.as_secs()
            ))),
        };
        outcome.map_err(|e| SendError {
            message: redact(&e.message, url),
            ..e
        })
    }
}

/// With the file transport, removes the `.eml` copies of the mails with these
/// Message-IDs (an erased contact's); answers how many. Nothing to do for SMTP:
/// a sent mail is the receiver's.
pub fn remove_file_copies(url: &str, message_ids: &[String]) -> std::io::Result<usize> {
    let Some(dir) = url.strip_prefix("file://") else {
        return Ok(0);
    };
    if message_ids.is_empty() {
        return Ok(0);
    }
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // The Message-ID is a header: only the head is looked at.
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        if message_ids.iter().any(|id| head.contains(id.as_str())) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes the SMTP password (and user) of `url` from a text, so an error
/// message can be stored and logged.
pub fn redact(text: &str, url: &str) -> String {
    let credentials = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .map(|(userinfo, _)| userinfo);
    let mut text = text.to_owned();
    if let Some(userinfo) = credentials {
        for secret in userinfo.split(':').filter(|s| s.len() >= 3) {
            text = text.replace(secret, "***");
        }
    }
    text.chars().take(500).collect()
}

/// The mailbox with its domain in IDNA (punycode) form: `bücher.example` is
/// `xn--bcher-kva.example`. Every relay takes that in RCPT TO, SMTPUTF8 or not,
/// and the header stays 7-bit. (A non-ASCII local part has no ASCII form and
/// would need SMTPUTF8; the forms refuse such addresses.)
fn with_ascii_domain(mailbox: Mailbox) -> Result<Mailbox, String> {
    let domain = mailbox.email.domain();
    if domain.is_ascii() {
        return Ok(mailbox);
    }
    let ascii = idna::domain_to_ascii(domain)
        .map_err(|_| "an address's domain has no IDNA form".to_owned())?;
    let email = lettre::Address::new(mailbox.email.user(), ascii)
        .map_err(|e| format!("bad address: {e}"))?;
    Ok(Mailbox::new(mailbox.name, email))
}

fn mailboxes(list: &str, what: &str) -> Result<Vec<Mailbox>, String> {
    let parsed: Mailboxes = list.parse().map_err(|e| format!("bad {what}: {e}"))?;
    parsed.into_iter().map(with_ascii_domain).collect()
}

/// The message exactly as it will be sent, every attempt alike (same
/// Message-ID). `bounce_to`, when inbound mail is set up, is the envelope
/// sender: a bounce comes back to it and names this very mail.
pub fn build_message(
    mail: &NewMail,
    from: &Mailbox,
    bounce_to: Option<&str>,
) -> Result<Message, String> {
    // A sales inbox may be several addresses: each is a recipient.
    let to = mailboxes(&mail.to_addr, "recipient")?;
    // A mail staff wrote comes from them by name, at our own address.
    let from = match &mail.from_name {
        Some(name) => Mailbox::new(Some(name.clone()), from.email.clone()),
        None => from.clone(),
    };
    let mut builder = Message::builder()
        .from(from)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    // Staff's own words are not auto-submitted: an out-of-office answers them.
    if mail.kind != MailKind::DeskMail {
        builder = builder.header(AutoSubmitted::of(mail.kind));
    }
    if let Some(thread) = mail.thread.as_deref().filter(|t| !t.trim().is_empty()) {
        if let Some(last) = thread.split_whitespace().last() {
            builder = builder.in_reply_to(last.to_owned());
        }
        builder = builder.references(thread.trim().to_owned());
    }
    if let Some(bounce_to) = bounce_to {
        let sender: lettre::Address = bounce_to
            .parse()
            .map_err(|e| format!("bad bounce address: {e}"))?;
        let recipients = to.iter().map(|m| m.email.clone()).collect();
        let envelope = lettre::address::Envelope::new(Some(sender), recipients)
            .map_err(|e| format!("bad envelope: {e}"))?;
        builder = builder.envelope(envelope);
    }
    for to in to {
        builder = builder.to(to);
    }
    if let Some(reply_to) = &mail.reply_to {
        for reply_to in mailboxes(reply_to, "Reply-To")? {
            builder = builder.reply_to(reply_to);
        }
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.body_text.clone(),
            mail.body_html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_credentials_never_appear_in_an_error_text() {
        let url = "smtp://mailer:s3cret-pass@smtp.example.com:587?tls=required";
        let text = redact("auth failed for mailer with s3cret-pass", url);
        assert!(!text.contains("s3cret-pass"));
        assert!(!text.contains("mailer"));
        assert_eq!(
            redact("connection refused", "smtp://127.0.0.1:2525"),
            "connection refused"
        );
    }

    // The SMTP transport's connection pool needs a tokio runtime.
    #[tokio::test]
    async fn unknown_schemes_are_refused() {
        assert!(
            MailTransport::from_url(
                "mailto:x@y",
                Duration::from_secs(30),
                &SmtpOptions::default()
            )
            .is_err()
        );
        assert!(
            MailTransport::from_url(
                "smtp://127.0.0.1:2525",
                Duration::from_secs(30),
                &SmtpOptions::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn international_domains_are_written_in_punycode_and_headers_stay_ascii() {
        let mail = NewMail {
            lead_id: Some(1),
            kind: crate::domain::mail_kind::MailKind::BuyerConfirmation,
            to_addr: "\"Jörg Müller\" <jorg@bücher.example>".into(),
            reply_to: Some("sales@publisher.test".into()),
            subject: "We received your request: Märkte".into(),
            body_text: "Grüße".into(),
            body_html: "<p>Grüße</p>".into(),
            message_id: "<abc@publisher.test>".into(),
            from_name: None,
            thread: None,
        };
        let from: Mailbox = "Publisher <no-reply@publisher.test>".parse().unwrap();
        let message = build_message(&mail, &from, None).unwrap();
        let to: Vec<String> = message
            .envelope()
            .to()
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(to, ["jorg@xn--bcher-kva.example"]);
        let raw = message.formatted();
        assert!(raw.is_ascii(), "{}", String::from_utf8_lossy(&raw));
        assert!(
            String::from_utf8(raw)
                .unwrap()
                .contains("<jorg@xn--bcher-kva.example>")
        );
    }

    #[test]
    fn a_built_message_has_both_parts_and_the_stored_message_id() {
        let mail = NewMail {
            lead_id: Some(1),
            kind: crate::domain::mail_kind::MailKind::SalesNotification,
            to_addr: "sales@acme.test".into(),
            reply_to: Some("\"Jane Doe\" <jane@buyer.test>".into()),
            subject: "[Inquiry] Report — Buyer (score 40)".into(),
            body_text: "text".into(),
            body_html: "<p>html</p>".into(),
            message_id: "<abc@acme.test>".into(),
            from_name: None,
            thread: None,
        };
        let from: Mailbox = "reportdesk <no-reply@acme.test>".parse().unwrap();
        let raw =
            String::from_utf8(build_message(&mail, &from, None).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <abc@acme.test>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("Reply-To: \"Jane Doe\" <jane@buyer.test>"));
    }
}
