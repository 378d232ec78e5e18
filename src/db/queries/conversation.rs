//! The lead's conversation as mail threads it: which Message-IDs it holds,
//! and which lead a Message-ID belongs to.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{inbound_mail, outbox};
use crate::domain::mail_kind::MailKind;

/// References kept in a reply: enough for any mail client to thread, without
/// a header that grows with every exchange.
const THREAD_LENGTH: usize = 10;

/// The Message-IDs of the mails between the buyer and us on a lead, oldest
/// first (the last `THREAD_LENGTH`).
pub fn thread_of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<String>> {
    let to_buyer: Vec<MailKind> = MailKind::ALL
        .into_iter()
        .filter(MailKind::is_to_buyer)
        .collect();
    let mut messages: Vec<(i64, i64, String)> = outbox::table
        .filter(outbox::lead_id.eq(lead_id))
        .filter(outbox::kind.eq_any(to_buyer))
        .select((outbox::created_at, outbox::id, outbox::message_id))
        .load(conn)?;
    let answers: Vec<(i64, i64, Option<String>)> = inbound_mail::table
        .filter(inbound_mail::lead_id.eq(lead_id))
        .select((
            inbound_mail::received_at,
            inbound_mail::id,
            inbound_mail::message_id,
        ))
        .load(conn)?;
    messages.extend(
        answers
            .into_iter()
            .filter_map(|(at, id, message_id)| Some((at, id, message_id?))),
    );
    messages.sort();
    let skip = messages.len().saturating_sub(THREAD_LENGTH);
    Ok(messages
        .into_iter()
        .skip(skip)
        .map(|(_, _, id)| id)
        .collect())
}

/// The lead of the first of these Message-IDs we sent, or received and
/// filed.
pub fn lead_of_thread(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Option<i64>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let sent: Option<Option<i64>> = outbox::table
        .filter(outbox::message_id.eq_any(ids))
        .filter(outbox::lead_id.is_not_null())
        .select(outbox::lead_id)
        .first(conn)
        .optional()?;
    if let Some(Some(lead_id)) = sent {
        return Ok(Some(lead_id));
    }
    crate::db::models::inbound_mail::lead_of_message_ids(conn, ids)
}

/// The outbox mail with this Message-ID (a bounce quoting our mail).
pub fn outbox_of_message_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<i64>> {
    outbox::table
        .filter(outbox::message_id.eq(id))
        .select(outbox::id)
        .first(conn)
        .optional()
}

/// The lead and kind of an outbox mail.
pub fn outbox_mail(
    conn: &mut DbConnection,
    id: i64,
) -> QueryResult<Option<(Option<i64>, MailKind)>> {
    outbox::table
        .find(id)
        .select((outbox::lead_id, outbox::kind))
        .first(conn)
        .optional()
}
