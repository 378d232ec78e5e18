//! The mails of a lead's conversation: what staff write to the buyer, and
//! what the owner is told when the buyer answers or an address bounces.

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id, one_line};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;

/// What staff wrote, ready for the outbox.
pub struct Written<'a> {
    pub lead_id: i64,
    pub writer_name: &'a str,
    /// The owner's mailbox: Reply-To when inbound mail is not set up.
    pub writer_email: &'a str,
    pub buyer_name: &'a str,
    pub buyer_email: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The lead's earlier Message-IDs, oldest first.
    pub thread: &'a [String],
}

/// Plain text as HTML: escaped, paragraphs at blank lines, line breaks kept.
/// (Askama escapes; the words are staff's, never markup.)
#[derive(Template)]
#[template(path = "mail/desk_mail.html")]
struct DeskHtml<'a> {
    paragraphs: Vec<Vec<&'a str>>,
}

pub fn desk_mail(w: &Written<'_>, setup: &MailSetup) -> anyhow::Result<NewMail> {
    let paragraphs = w
        .body
        .split("\n\n")
        .map(|p| p.lines().collect())
        .filter(|lines: &Vec<&str>| !lines.is_empty())
        .collect();
    let publisher = match setup.publisher.name.trim() {
        "" => "the research desk",
        name => name,
    };
    Ok(NewMail {
        lead_id: Some(w.lead_id),
        kind: MailKind::DeskMail,
        to_addr: mailbox(w.buyer_name, w.buyer_email),
        // The answer comes back to the lead when we receive mail; else to
        // the person who wrote.
        reply_to: Some(match &setup.replies {
            Some(replies) => replies.reply_to(w.lead_id),
            None => mailbox(w.writer_name, w.writer_email),
        }),
        subject: one_line(w.subject),
        body_text: w.body.to_owned(),
        body_html: DeskHtml { paragraphs }.render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: Some(one_line(&format!("{} via {publisher}", w.writer_name))),
        thread: (!w.thread.is_empty()).then(|| w.thread.join(" ")),
    })
}

/// What the owner hears of the buyer: an answer, or a bounce.
pub struct OwnerNotice<'a> {
    pub kind: MailKind,
    pub lead_id: i64,
    /// The owner's mailbox, or the sales inbox for a lead nobody owns.
    pub to_addr: String,
    pub buyer: &'a str,
    pub company: &'a str,
    pub report_title: &'a str,
}

#[derive(Template)]
#[template(path = "mail/owner_notice.txt")]
struct NoticeText<'a> {
    n: &'a OwnerNotice<'a>,
    headline: &'a str,
    admin_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/owner_notice.html")]
struct NoticeHtml<'a> {
    n: &'a OwnerNotice<'a>,
    headline: &'a str,
    admin_url: &'a str,
}

/// The buyer's words are not copied into the notice: they stay on the
/// lead's page, behind the desk's login.
pub fn owner_notice(n: &OwnerNotice<'_>, setup: &MailSetup) -> anyhow::Result<NewMail> {
    let admin_url = format!("{}/admin/leads/{}", setup.public_base, n.lead_id);
    let admin_url = admin_url.as_str();
    let headline = match n.kind {
        MailKind::MailBounced => format!(
            "Mail to {} at {} bounced — phone them or correct the address",
            n.buyer, n.company
        ),
        MailKind::OwnerNotification => format!(
            "{} at {} ({}) is now yours",
            n.buyer, n.company, n.report_title
        ),
        _ => format!(
            "{} at {} replied about {}",
            n.buyer, n.company, n.report_title
        ),
    };
    let headline = one_line(&headline);
    Ok(NewMail {
        lead_id: Some(n.lead_id),
        kind: n.kind,
        to_addr: n.to_addr.clone(),
        reply_to: None,
        subject: headline.clone(),
        body_text: NoticeText {
            n,
            headline: &headline,
            admin_url,
        }
        .render()?,
        body_html: NoticeHtml {
            n,
            headline: &headline,
            admin_url,
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}
