//! What the lead's owner hears of it: the buyer answered, a mail bounced,
//! or a colleague handed them the lead.

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::ReportRef;
use crate::db::models::user::User;
use crate::domain::mail_kind::MailKind;
use crate::mail::compose::{MailSetup, mailbox, one_line};
use crate::mail::desk_mail::{OwnerNotice, owner_notice};

/// Mails the lead's owner (or the sales inbox, for a lead nobody owns)
/// about it, inside the caller's transaction.
pub fn tell_owner(
    conn: &mut DbConnection,
    lead_id: i64,
    kind: MailKind,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<()> {
    let Some(lead) = Lead::find(conn, lead_id)? else {
        return Ok(());
    };
    let (Some(contact), Some(report)) = (
        Contact::find(conn, lead.contact_id)?,
        ReportRef::find(conn, lead.report_id)?,
    ) else {
        return Ok(());
    };
    let to_addr = owner_mailbox(conn, &lead, setup)?;
    let sent = lead.submitted.or(contact.details());
    let notice = OwnerNotice {
        kind,
        lead_id,
        to_addr,
        buyer: sent.name,
        company: sent.company,
        report_title: &report.title,
    };
    insert_mails(conn, &[owner_notice(&notice, setup)?], now)?;
    Ok(())
}

/// Where the lead's owner is mailed: their mailbox, or the sales inbox for a
/// lead nobody (active) owns.
pub fn owner_mailbox(
    conn: &mut DbConnection,
    lead: &Lead,
    setup: &MailSetup,
) -> diesel::QueryResult<String> {
    let owner = match lead.assignee_id {
        Some(id) => User::find(conn, id)?,
        None => None,
    };
    Ok(owner.map_or_else(
        || one_line(&setup.sales_inbox),
        |o| mailbox(&o.name, &o.email),
    ))
}
