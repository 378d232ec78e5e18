//! Follow-up reminders: one mail per owner listing their leads whose next
//! step fell due in a sweep, and one to the sales inbox for those late past
//! the grace period. No buyer data: the lead's page has it.

use std::collections::BTreeMap;

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id, one_line};
use super::escalation_mail::DIGEST_LISTED;
use crate::db::models::follow_up::{DueFollowUp, Reminder};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;

pub struct DueLine {
    pub kind: &'static str,
    pub report_title: String,
    pub due: String,
    pub owner: String,
    pub admin_url: String,
}

/// What a reminder says, in both its parts.
struct Content<'a> {
    greeting: &'a str,
    late: bool,
    lines: &'a [DueLine],
    more: usize,
    list_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/follow_up.txt")]
struct ReminderText<'a> {
    c: &'a Content<'a>,
}

#[derive(Template)]
#[template(path = "mail/follow_up.html")]
struct ReminderHtml<'a> {
    c: &'a Content<'a>,
}

fn line(due: &DueFollowUp, setup: &MailSetup) -> DueLine {
    DueLine {
        kind: due.kind.with_article(),
        report_title: due.report_title.clone(),
        due: setup.targets.hours.format(due.due_at),
        owner: due.owner_name.clone().unwrap_or_else(|| "nobody".into()),
        admin_url: format!("{}/admin/leads/{}", setup.public_base, due.lead_id),
    }
}

fn reminder_mail(
    to_addr: String,
    greeting: &str,
    reminder: Reminder,
    mut lines: Vec<DueLine>,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let total = lines.len();
    lines.truncate(DIGEST_LISTED);
    let late = reminder == Reminder::Escalation;
    let list_url = format!("{}/admin/leads?queue=follow-up", setup.public_base);
    let (list_url, more) = (list_url.as_str(), total - lines.len());
    let subject = match (late, total) {
        (false, 1) => "[Follow-up] a next step is due today".to_owned(),
        (false, n) => format!("[Follow-up] {n} next steps are due"),
        (true, 1) => "[Follow-up late] a next step is past due".to_owned(),
        (true, n) => format!("[Follow-up late] {n} next steps are past due"),
    };
    let c = &Content {
        greeting,
        late,
        lines: &lines,
        more,
        list_url,
    };
    Ok(NewMail {
        lead_id: None,
        kind: if late {
            MailKind::FollowUpLate
        } else {
            MailKind::FollowUpDue
        },
        to_addr,
        reply_to: None,
        subject: one_line(&subject),
        body_text: ReminderText { c }.render()?,
        body_html: ReminderHtml { c }.render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

/// Owner reminders go to each owner (a lead nobody owns, to the sales
/// inbox); late ones to the sales inbox, all in one mail.
pub fn follow_up_mails(
    due: &[DueFollowUp],
    reminder: Reminder,
    setup: &MailSetup,
) -> anyhow::Result<Vec<NewMail>> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    if reminder == Reminder::Escalation {
        let lines = due.iter().map(|d| line(d, setup)).collect();
        let to = one_line(&setup.sales_inbox);
        return Ok(vec![reminder_mail(
            to,
            "the sales desk",
            reminder,
            lines,
            setup,
        )?]);
    }
    let mut by_owner: BTreeMap<(String, String), Vec<DueLine>> = BTreeMap::new();
    for d in due {
        let to = match (&d.owner_name, &d.owner_email) {
            (Some(name), Some(email)) => (mailbox(name, email), name.clone()),
            _ => (one_line(&setup.sales_inbox), "the sales desk".to_owned()),
        };
        by_owner.entry(to).or_default().push(line(d, setup));
    }
    by_owner
        .into_iter()
        .map(|((to, name), lines)| reminder_mail(to, &name, reminder, lines, setup))
        .collect()
}
