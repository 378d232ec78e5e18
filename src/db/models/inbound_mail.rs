//! `inbound_mail`: every mail that came in at our inbound addresses. The only
//! writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::inserted::last_insert_id;
use crate::db::schema::inbound_mail;
use crate::domain::inbound::{Attachment, InboundKind, InboundState};
use crate::domain::lead_event::ERASED;

/// A received mail as stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = inbound_mail)]
pub struct NewInbound<'a> {
    pub received_at: i64,
    /// "smtp" or "http".
    pub via: &'a str,
    pub sender: &'a str,
    pub subject: &'a str,
    pub message_id: Option<&'a str>,
    pub kind: InboundKind,
    pub state: InboundState,
    pub lead_id: Option<i64>,
    pub outbox_id: Option<i64>,
    pub body_text: &'a str,
    /// JSON: `[{"name": …, "size": …}]`.
    pub attachments: String,
    pub size: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_mail)]
pub struct InboundRow {
    pub id: i64,
    pub received_at: i64,
    pub via: String,
    pub sender: String,
    pub subject: String,
    pub kind: InboundKind,
    pub state: InboundState,
    pub lead_id: Option<i64>,
    pub body_text: String,
    pub attachments: String,
    pub size: i64,
}

impl InboundRow {
    pub fn attachments(&self) -> Vec<Attachment> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

/// Stores a mail; `None` when one with the same Message-ID is already here
/// (the same mail arriving twice, by SMTP and by HTTP, counts once).
pub fn insert(conn: &mut DbConnection, mail: &NewInbound<'_>) -> QueryResult<Option<i64>> {
    if let Some(message_id) = mail.message_id {
        let known: Option<i64> = inbound_mail::table
            .filter(inbound_mail::message_id.eq(message_id))
            .select(inbound_mail::id)
            .first(conn)
            .optional()?;
        if known.is_some() {
            return Ok(None);
        }
    }
    diesel::insert_into(inbound_mail::table)
        .values(mail)
        .execute(conn)?;
    last_insert_id(conn).map(Some)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<InboundRow>> {
    inbound_mail::table
        .find(id)
        .select(InboundRow::as_select())
        .first(conn)
        .optional()
}

/// A lead's mails in, oldest first.
pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<InboundRow>> {
    inbound_mail::table
        .filter(inbound_mail::lead_id.eq(lead_id))
        .order(inbound_mail::id)
        .select(InboundRow::as_select())
        .load(conn)
}

/// Mail no lead was found for, newest first.
pub fn unmatched(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<InboundRow>> {
    inbound_mail::table
        .filter(inbound_mail::state.eq(InboundState::Unmatched))
        .order(inbound_mail::id.desc())
        .limit(limit)
        .select(InboundRow::as_select())
        .load(conn)
}

/// Files an unmatched mail on a lead, or sets it aside.
pub fn settle(
    conn: &mut DbConnection,
    id: i64,
    state: InboundState,
    lead_id: Option<i64>,
) -> QueryResult<bool> {
    let changed = diesel::update(
        inbound_mail::table
            .find(id)
            .filter(inbound_mail::state.eq(InboundState::Unmatched)),
    )
    .set((
        inbound_mail::state.eq(state),
        inbound_mail::lead_id.eq(lead_id),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// The lead a mail with one of these Message-IDs was filed on, if any.
pub fn lead_of_message_ids(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Option<i64>> {
    let found: Option<Option<i64>> = inbound_mail::table
        .filter(inbound_mail::message_id.eq_any(ids))
        .filter(inbound_mail::lead_id.is_not_null())
        .select(inbound_mail::lead_id)
        .first(conn)
        .optional()?;
    Ok(found.flatten())
}

/// Erasure: what the buyer wrote and who they are.
pub fn erase_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<()> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::update(inbound_mail::table.filter(inbound_mail::lead_id.eq_any(&ids)))
        .set((
            inbound_mail::sender.eq(ERASED),
            inbound_mail::subject.eq(ERASED),
            inbound_mail::body_text.eq(ERASED),
            inbound_mail::attachments.eq("[]"),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::delete(inbound_mail::table.filter(inbound_mail::lead_id.eq_any(ids))).execute(conn)
}
