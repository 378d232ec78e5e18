//! The escalation of a lead past its first-response target: to its owner
//! (if any) and the sales inbox.

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id, one_line};
use crate::db::models::outbox::NewMail;
use crate::db::queries::overdue::OverdueLead;
use crate::domain::mail_kind::MailKind;
use crate::domain::response_clock::duration;

/// What an escalation mail says, in both its parts.
struct Escalation<'a> {
    lead: &'a OverdueLead,
    /// "An inquiry".
    kind: &'a str,
    /// "20 min past the target", or "just past the target" within a minute.
    lateness: String,
    received: &'a str,
    admin_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/escalation.txt")]
struct EscalationText<'a> {
    e: &'a Escalation<'a>,
}

#[derive(Template)]
#[template(path = "mail/escalation.html")]
struct EscalationHtml<'a> {
    e: &'a Escalation<'a>,
}

/// The escalation of an overdue lead: to its owner (if any) and the sales inbox.
pub fn escalation_mails(
    lead: &OverdueLead,
    late_seconds: i64,
    received: &str,
    settings: &MailSetup,
) -> anyhow::Result<Vec<NewMail>> {
    let kind = lead.kind.with_article();
    let admin_url = format!("{}/admin/leads/{}", settings.public_base, lead.id);
    let lateness = if late_seconds < 60 {
        "just past the target".to_owned()
    } else {
        format!("{} past the target", duration(late_seconds))
    };
    let subject = one_line(&format!(
        "[Overdue] {} from {} — {lateness}",
        lead.kind.label(),
        lead.company
    ));
    let e = Escalation {
        lead,
        kind,
        lateness,
        received,
        admin_url: &admin_url,
    };
    let body_text = EscalationText { e: &e }.render()?;
    let body_html = EscalationHtml { e: &e }.render()?;
    let owner = match (&lead.owner_name, &lead.owner_email) {
        (Some(name), Some(email)) => Some(mailbox(name, email)),
        _ => None,
    };
    Ok([owner, Some(one_line(&settings.sales_inbox))]
        .into_iter()
        .flatten()
        .map(|to_addr| NewMail {
            lead_id: Some(lead.id),
            kind: MailKind::Escalation,
            to_addr,
            reply_to: None,
            subject: subject.clone(),
            body_text: body_text.clone(),
            body_html: body_html.clone(),
            message_id: message_id(&settings.mail_domain),
        })
        .collect())
}
