//! What the lead's owner hears of it: the buyer answered, a mail bounced,
//! or a colleague handed them the lead.

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::models::lead::Lead;
use crate::db::models::outbox::insert_mails;
use crate::db::models::report::ReportRef;
use crate::db::models::user::User;
use crate::domain::mail_kind::MailKind;
use crate::mail::assignment_mail::{AssignedLine, BatchAssigned, LISTED, batch_assigned_mail};
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
    let Some((lead, contact, report)) = lead_with_names(conn, lead_id)? else {
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

/// A lead with its contact and report, which a notice names.
fn lead_with_names(
    conn: &mut DbConnection,
    lead_id: i64,
) -> diesel::QueryResult<Option<(Lead, Contact, ReportRef)>> {
    let Some(lead) = Lead::find(conn, lead_id)? else {
        return Ok(None);
    };
    let contact = Contact::find(conn, lead.contact_id)?;
    let report = ReportRef::find(conn, lead.report_id)?;
    Ok(contact
        .zip(report)
        .map(|(contact, report)| (lead, contact, report)))
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

/// One mail to the user handed `lead_ids` in one batch, inside the batch's
/// transaction (200 leads are one mail, not 200).
pub fn tell_owner_of_batch(
    conn: &mut DbConnection,
    owner_id: i64,
    lead_ids: &[i64],
    by: &str,
    setup: &MailSetup,
    now: i64,
) -> anyhow::Result<()> {
    let Some(owner) = User::find(conn, owner_id)? else {
        return Ok(());
    };
    let mut lines = Vec::new();
    for &lead_id in lead_ids.iter().take(LISTED) {
        let Some((lead, contact, report)) = lead_with_names(conn, lead_id)? else {
            continue;
        };
        let sent = lead.submitted.or(contact.details());
        lines.push(AssignedLine {
            buyer: sent.name.to_owned(),
            company: sent.company.to_owned(),
            report_title: report.title,
            admin_url: format!("{}/admin/leads/{lead_id}", setup.public_base),
        });
    }
    let batch = BatchAssigned {
        to_addr: mailbox(&owner.name, &owner.email),
        owner_id,
        by: by.to_owned(),
        count: lead_ids.len(),
        lines,
    };
    insert_mails(conn, &[batch_assigned_mail(&batch, setup)?], now)?;
    Ok(())
}
