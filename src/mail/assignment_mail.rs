//! One mail to a colleague handed many leads at once by a bulk assign: the
//! first fifty as lines with links, and a link to the list of all of them.
//! Like every staff notice it names buyers and companies, never their words.

use askama::Template;

use super::compose::{MailSetup, message_id};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;

/// Lines a mail lists; the rest are behind the list link.
pub const LISTED: usize = 50;

pub struct AssignedLine {
    pub buyer: String,
    pub company: String,
    pub report_title: String,
    pub admin_url: String,
}

pub struct BatchAssigned {
    /// The new owner's mailbox.
    pub to_addr: String,
    pub owner_id: i64,
    pub by: String,
    pub count: usize,
    /// At most `LISTED`, with `admin_url` left for `batch_assigned_mail`.
    pub lines: Vec<AssignedLine>,
}

struct Content<'a> {
    b: &'a BatchAssigned,
    more: usize,
    list_url: String,
}

#[derive(Template)]
#[template(path = "mail/leads_assigned.txt")]
struct Text<'a> {
    c: &'a Content<'a>,
}

#[derive(Template)]
#[template(path = "mail/leads_assigned.html")]
struct Html<'a> {
    c: &'a Content<'a>,
}

pub fn batch_assigned_mail(batch: &BatchAssigned, setup: &MailSetup) -> anyhow::Result<NewMail> {
    let content = Content {
        b: batch,
        more: batch.count.saturating_sub(batch.lines.len()),
        list_url: format!(
            "{}/admin/leads?assignee={}",
            setup.public_base, batch.owner_id
        ),
    };
    let plural = if batch.count == 1 { "" } else { "s" };
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::OwnerNotification,
        to_addr: batch.to_addr.clone(),
        reply_to: None,
        subject: super::compose::one_line(&format!(
            "{} gave you {} lead{plural}",
            batch.by, batch.count
        )),
        body_text: Text { c: &content }.render()?,
        body_html: Html { c: &content }.render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}
