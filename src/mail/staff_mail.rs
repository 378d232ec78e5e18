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
