//! `reportdesk mail test --to ADDR`: one mail through the configured transport,
//! so an operator sees at once whether the set-up works, and if not, why.

use anyhow::{Context, anyhow};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use super::transport::MailTransport;
use crate::settings::Settings;

pub async fn send_test_mail(settings: &Settings, to: &str) -> anyhow::Result<()> {
    let from: Mailbox = settings.mail_from.parse().with_context(|| {
        format!(
            "REPORTDESK_MAIL_FROM {:?} is not a mail address",
            settings.mail_from
        )
    })?;
    let to: Mailbox = to
        .parse()
        .with_context(|| format!("{to:?} is not a mail address"))?;
    let deadline = std::time::Duration::from_secs(settings.mail_timeout_seconds);
    let transport = MailTransport::from_url(
        &settings.mail_url,
        deadline,
        &crate::mail::smtp_url::SmtpOptions::from_settings(settings),
    )?;
    // A Message-ID of our own domain: some providers refuse mail without one.
    let message_id = super::compose::message_id(from.email.domain());
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject("reportdesk test mail")
        .message_id(Some(message_id))
        .header(super::auto_submitted::AutoSubmitted::generated())
        .multipart(MultiPart::alternative_plain_html(
            "This is a test mail from reportdesk. Mail delivery works.".to_owned(),
            "<p>This is a test mail from reportdesk. Mail delivery works.</p>".to_owned(),
        ))
        .context("cannot build the test mail")?;
    transport
        .send(message, &settings.mail_url)
        .await
        .map_err(|error| {
            anyhow!(
                "sending through {} failed: {error}",
                transport_name(&settings.mail_url)
            )
        })
}

/// The transport as it may be printed: scheme, host and port, no credentials.
pub fn transport_name(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "the mail transport".to_owned();
    };
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = host.split(['?', '/']).next().unwrap_or(host);
    match scheme {
        "file" => format!("the mail folder {rest}"),
        _ => format!("{scheme}://{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_transport_has_no_credentials() {
        assert_eq!(
            transport_name("smtp://u:p@mail.example.com:587?tls=required"),
            "smtp://mail.example.com:587"
        );
        assert_eq!(
            transport_name("file://data/mail"),
            "the mail folder data/mail"
        );
    }
}
