//! The two mails of a sample: its link to the buyer (from the publisher,
//! Reply-To the lead's owner), and "they opened it" to the owner.

use askama::Template;

use super::compose::{MailSetup, Publisher, mailbox, message_id, one_line};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;
use crate::format::format_time;

/// A link made for a lead's sample.
#[derive(Debug, Clone)]
pub struct SampleLink {
    pub url: String,
    pub expires_at: i64,
    pub max_downloads: i32,
}

impl SampleLink {
    /// "until 2026-12-03 21:10 UTC, up to 5 downloads".
    pub fn terms(&self) -> String {
        format!(
            "until {}, up to {} downloads",
            format_time(self.expires_at),
            self.max_downloads
        )
    }
}

/// Who the sample goes to and who answers them.
pub struct SampleRecipient<'a> {
    pub lead_id: i64,
    pub name: &'a str,
    pub email: &'a str,
    pub report_title: &'a str,
    /// The lead's owner (name, email), else the sales inbox answers.
    pub owner: Option<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "mail/sample_link.txt")]
struct LinkText<'a> {
    r: &'a SampleRecipient<'a>,
    link: &'a SampleLink,
    p: &'a Publisher,
    privacy_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sample_link.html")]
struct LinkHtml<'a> {
    r: &'a SampleRecipient<'a>,
    link: &'a SampleLink,
    p: &'a Publisher,
    privacy_url: &'a str,
}

pub fn sample_link_mail(
    r: &SampleRecipient<'_>,
    link: &SampleLink,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let p = &setup.publisher;
    let privacy_url = format!("{}/privacy", setup.public_base);
    let privacy_url = privacy_url.as_str();
    Ok(NewMail {
        lead_id: Some(r.lead_id),
        kind: MailKind::SampleLink,
        to_addr: mailbox(r.name, r.email),
        reply_to: Some(match r.owner {
            Some((name, email)) => mailbox(name, email),
            None => one_line(&setup.sales_inbox),
        }),
        subject: one_line(&format!("Your sample: {}", r.report_title)),
        body_text: LinkText {
            r,
            link,
            p,
            privacy_url,
        }
        .render()?,
        body_html: LinkHtml {
            r,
            link,
            p,
            privacy_url,
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

/// What the owner is told when the buyer first opens the sample.
pub struct SampleOpened<'a> {
    pub lead_id: i64,
    pub buyer: &'a str,
    pub company: &'a str,
    pub report_title: &'a str,
    /// Since the request came in.
    pub minutes_after: i64,
    /// The owner's mailbox, or the sales inbox for a lead nobody owns.
    pub to_addr: String,
}

#[derive(Template)]
#[template(path = "mail/sample_opened.txt")]
struct OpenedText<'a> {
    o: &'a SampleOpened<'a>,
    admin_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sample_opened.html")]
struct OpenedHtml<'a> {
    o: &'a SampleOpened<'a>,
    admin_url: &'a str,
}

pub fn sample_opened_mail(o: &SampleOpened<'_>, setup: &MailSetup) -> anyhow::Result<NewMail> {
    let admin_url = format!("{}/admin/leads/{}", setup.public_base, o.lead_id);
    let admin_url = admin_url.as_str();
    let text = OpenedText { o, admin_url }.render()?;
    let html = OpenedHtml { o, admin_url }.render()?;
    Ok(NewMail {
        lead_id: Some(o.lead_id),
        kind: MailKind::SampleOpened,
        to_addr: o.to_addr.clone(),
        reply_to: None,
        subject: one_line(&format!(
            "{} at {} opened the sample {} min after asking — call now",
            o.buyer, o.company, o.minutes_after
        )),
        body_text: text,
        body_html: html,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}
