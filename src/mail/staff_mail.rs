//! Mails to staff about their own account.

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;

#[derive(Template)]
#[template(path = "mail/account_alert.txt")]
struct AccountAlertText<'a> {
    name: &'a str,
    failures: i32,
    password_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/account_alert.html")]
struct AccountAlertHtml<'a> {
    name: &'a str,
    failures: i32,
    password_url: &'a str,
}

/// Tells a staff member that their account is being guessed at.
pub fn account_alert_mail(
    name: &str,
    email: &str,
    failures: i32,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let password_url = format!("{}/admin/account/password", setup.public_base);
    let password_url = password_url.as_str();
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::AccountAlert,
        to_addr: mailbox(name, email),
        reply_to: None,
        subject: "Failed sign-ins to your reportdesk account".into(),
        body_text: AccountAlertText {
            name,
            failures,
            password_url,
        }
        .render()?,
        body_html: AccountAlertHtml {
            name,
            failures,
            password_url,
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

#[derive(Template)]
#[template(path = "mail/password_reset.txt")]
struct PasswordResetText<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/password_reset.html")]
struct PasswordResetHtml<'a> {
    name: &'a str,
    link: &'a str,
}

/// A "forgot password" link.
pub fn password_reset_mail(
    name: &str,
    email: &str,
    token: &str,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let link = format!("{}/admin/password-reset/{token}", setup.public_base);
    let link = link.as_str();
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::PasswordReset,
        to_addr: mailbox(name, email),
        reply_to: None,
        subject: "Set a new reportdesk password".into(),
        body_text: PasswordResetText { name, link }.render()?,
        body_html: PasswordResetHtml { name, link }.render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

#[derive(Template)]
#[template(path = "mail/two_factor_reset.txt")]
struct TwoFactorResetText<'a> {
    name: &'a str,
    two_factor_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/two_factor_reset.html")]
struct TwoFactorResetHtml<'a> {
    name: &'a str,
    two_factor_url: &'a str,
}

/// Tells a staff member that an admin turned their two-factor login off.
pub fn two_factor_reset_mail(
    name: &str,
    email: &str,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let url = format!("{}/admin/account/two-factor", setup.public_base);
    let two_factor_url = url.as_str();
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::TwoFactorReset,
        to_addr: mailbox(name, email),
        reply_to: None,
        subject: "Two-factor login was turned off for your reportdesk account".into(),
        body_text: TwoFactorResetText {
            name,
            two_factor_url,
        }
        .render()?,
        body_html: TwoFactorResetHtml {
            name,
            two_factor_url,
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

#[derive(Template)]
#[template(path = "mail/webhook_paused.txt")]
struct WebhookPausedText<'a> {
    name: &'a str,
    url: &'a str,
    description: &'a str,
    since: &'a str,
    last_error: &'a str,
    webhooks_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/webhook_paused.html")]
struct WebhookPausedHtml<'a> {
    name: &'a str,
    url: &'a str,
    description: &'a str,
    since: &'a str,
    last_error: &'a str,
    webhooks_url: &'a str,
}

/// Tells an admin that a webhook endpoint failed for a day and was paused.
pub struct PausedEndpoint<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub since: &'a str,
    pub last_error: &'a str,
}

pub fn webhook_paused_mail(
    name: &str,
    email: &str,
    endpoint: &PausedEndpoint<'_>,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let webhooks_url = format!("{}/admin/webhooks", setup.public_base);
    let (url, description, since, last_error) = (
        endpoint.url,
        endpoint.description,
        endpoint.since,
        endpoint.last_error,
    );
    let webhooks_url = webhooks_url.as_str();
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::WebhookPaused,
        to_addr: mailbox(name, email),
        reply_to: None,
        subject: "A webhook endpoint was paused after a day of failures".into(),
        body_text: WebhookPausedText {
            name,
            url,
            description,
            since,
            last_error,
            webhooks_url,
        }
        .render()?,
        body_html: WebhookPausedHtml {
            name,
            url,
            description,
            since,
            last_error,
            webhooks_url,
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}
