//! The outbox: mails written in the same transaction as the lead they announce,
//! then claimed, sent and settled by the worker.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::models::contact::Contact;
use crate::db::models::lead_event;
use crate::db::schema::outbox;
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::{ERASED, LeadEvent};
use crate::domain::mail_kind::{MailKind, OutboxStatus};

/// A mail as composed: what is written to the outbox, and read back to send.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMail {
    pub lead_id: Option<i64>,
    pub kind: MailKind,
    pub to_addr: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    /// A mail staff wrote: "<owner> via <publisher>" at the From address.
    pub from_name: Option<String>,
    /// The lead's earlier Message-IDs, oldest first, space-separated: the
    /// last is `In-Reply-To`, all are `References`.
    pub thread: Option<String>,
}

/// A claimed mail, ready to send.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: i64,
    #[diesel(embed)]
    pub mail: NewMail,
    pub attempts: i32,
}

/// Queues mails. An automatic mail to a buyer whose address bounced is kept
/// as `suppressed` instead (the desk shows it; nothing is sent) until the
/// buyer asks again.
pub fn insert_mails(conn: &mut DbConnection, mails: &[NewMail], now: i64) -> QueryResult<()> {
    for mail in mails {
        let suppressed = match mail.lead_id {
            Some(lead_id) if mail.kind.is_automatic_to_buyer() => {
                Contact::lead_bounced(conn, lead_id)?
            }
            _ => false,
        };
        diesel::insert_into(outbox::table)
            .values((
                mail,
                outbox::status.eq(if suppressed {
                    OutboxStatus::Suppressed
                } else {
                    OutboxStatus::Pending
                }),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A sent mail came back undeliverable; the buyer's automatic mails still
/// waiting are held back with it. `false` when the mail is unknown or was
/// already marked.
pub fn mark_bounced(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    let marked = diesel::update(outbox::table.find(id))
        .filter(outbox::status.ne(OutboxStatus::Bounced))
        .set(outbox::status.eq(OutboxStatus::Bounced))
        .execute(conn)?;
    Ok(marked > 0)
}

/// Holds back the lead's automatic buyer mails not yet sent.
pub fn suppress_pending_of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<usize> {
    let automatic: Vec<MailKind> = MailKind::ALL
        .into_iter()
        .filter(MailKind::is_automatic_to_buyer)
        .collect();
    diesel::update(
        outbox::table
            .filter(outbox::lead_id.eq(lead_id))
            .filter(outbox::status.eq(OutboxStatus::Pending))
            .filter(outbox::kind.eq_any(automatic)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Suppressed),
        outbox::claimed_until.eq(None::<i64>),
    ))
    .execute(conn)
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due mails until `lease_until`, longest due first. A
/// mail whose lease ran out (its worker died mid-send) is due again. The order
/// is the `outbox_due` index's, so a claim reads its few rows and stops, however
/// long the queue behind them.
pub fn claim_due(
    conn: &mut DbConnection,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    let ids: Vec<i64> = match conn {
        // SKIP LOCKED: instances claiming at once take different rows instead
        // of queueing behind each other's locks.
        DbConnection::Postgres(pg) => diesel::sql_query(
            "UPDATE outbox SET claimed_until = $1 WHERE id IN ( \
                 SELECT id FROM outbox WHERE status = $4 AND next_attempt_at <= $2 \
                 AND (claimed_until IS NULL OR claimed_until < $2) \
                 ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<BigInt, _>(lease_until)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<diesel::sql_types::Text, _>(OutboxStatus::Pending.as_db())
        .load::<ClaimedId>(pg)?
        .into_iter()
        .map(|row| row.id)
        .collect(),
        // SQLite has one writer at a time: an IMMEDIATE transaction that reads
        // and then marks the rows is already exclusive.
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let ids: Vec<i64> = due(now)
                .select(outbox::id)
                .order((outbox::next_attempt_at, outbox::id))
                .limit(limit)
                .load(conn)?;
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                .set(outbox::claimed_until.eq(lease_until))
                .execute(conn)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id)
        .select(OutboxMail::as_select())
        .load(conn)
}

type DueFilter = diesel::dsl::Filter<
    outbox::table,
    diesel::dsl::And<
        diesel::dsl::And<
            diesel::dsl::Eq<outbox::status, OutboxStatus>,
            diesel::dsl::LtEq<outbox::next_attempt_at, i64>,
        >,
        diesel::dsl::Or<
            diesel::dsl::IsNull<outbox::claimed_until>,
            diesel::dsl::Lt<outbox::claimed_until, i64>,
        >,
    >,
>;

fn due(now: i64) -> DueFilter {
    outbox::table.filter(
        outbox::status
            .eq(OutboxStatus::Pending)
            .and(outbox::next_attempt_at.le(now))
            .and(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            ),
    )
}

pub fn mark_sent(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Sent),
            outbox::sent_at.eq(now),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::claimed_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

pub struct Failure<'a> {
    pub error: &'a str,
    pub now: i64,
    /// `None`: no attempts left, the mail is dead.
    pub retry_at: Option<i64>,
}

/// Records a failed attempt: scheduled again, or dead with a lead event.
pub fn mark_failed(
    conn: &mut DbConnection,
    mail: &OutboxMail,
    failure: &Failure<'_>,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::update(outbox::table.find(mail.id))
            .set((
                outbox::status.eq(if failure.retry_at.is_some() {
                    OutboxStatus::Pending
                } else {
                    OutboxStatus::Dead
                }),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::next_attempt_at.eq(failure.retry_at.unwrap_or(failure.now)),
                outbox::last_error.eq(failure.error),
                outbox::claimed_until.eq(None::<i64>),
            ))
            .execute(conn)?;
        if let (None, Some(lead_id)) = (failure.retry_at, mail.mail.lead_id) {
            let event = LeadEvent::MailDead {
                outbox_id: mail.id,
                mail: mail.mail.kind,
                attempts: mail.attempts + 1,
                error: failure.error.to_owned(),
            };
            lead_event::record(conn, lead_id, None, &event, failure.now)?;
        }
        Ok(())
    })
}

/// Gives claimed but unsent mails back, for a clean shutdown.
pub fn release(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq(OutboxStatus::Pending)),
    )
    .set(outbox::claimed_until.eq(None::<i64>))
    .execute(conn)?;
    Ok(())
}

/// The state of each lead's mail together (the most pressing, by
/// `OutboxStatus`'s order);
/// absent when the lead has no mail.
pub fn delivery_states(
    conn: &mut DbConnection,
    lead_ids: &[i64],
) -> QueryResult<HashMap<i64, OutboxStatus>> {
    let rows: Vec<(Option<i64>, OutboxStatus)> = outbox::table
        .filter(outbox::lead_id.eq_any(lead_ids))
        .select((outbox::lead_id, outbox::status))
        .load(conn)?;
    let mut states: HashMap<i64, OutboxStatus> = HashMap::new();
    for (lead_id, status) in rows {
        let Some(lead_id) = lead_id else { continue };
        let entry = states.entry(lead_id).or_insert(status);
        *entry = (*entry).max(status);
    }
    Ok(states)
}

/// A mail as the lead's timeline shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct MailRow {
    pub id: i64,
    pub kind: MailKind,
    pub to_addr: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

impl MailRow {
    /// A lead's mails, oldest first.
    pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<Self>> {
        outbox::table
            .filter(outbox::lead_id.eq(lead_id))
            .order(outbox::id)
            .select(Self::as_select())
            .load(conn)
    }
}

/// Erasure: a mail not yet sent would now go nowhere, so it is closed as
/// dead; every mail's addresses and text are replaced.
/// The Message-IDs of the leads' mails (to find copies kept elsewhere).
pub fn message_ids_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<Vec<String>> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    outbox::table
        .filter(outbox::lead_id.eq_any(&ids))
        .select(outbox::message_id)
        .load(conn)
}

pub fn erase_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<()> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::update(
        outbox::table
            .filter(outbox::lead_id.eq_any(&ids))
            .filter(outbox::status.eq(OutboxStatus::Pending)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Dead),
        outbox::claimed_until.eq(None::<i64>),
    ))
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::lead_id.eq_any(&ids)))
        .set((
            outbox::to_addr.eq(ERASED),
            outbox::reply_to.eq(None::<String>),
            outbox::subject.eq(ERASED),
            outbox::body_text.eq(ERASED),
            outbox::body_html.eq(ERASED),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::delete(outbox::table.filter(outbox::lead_id.eq_any(ids))).execute(conn)
}

/// When the oldest mail still waiting was written, if one waits.
pub fn oldest_pending_since(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    outbox::table
        .filter(outbox::status.eq(OutboxStatus::Pending))
        .select(diesel::dsl::min(outbox::created_at))
        .first(conn)
}

/// Mails in a state, for the dashboard.
pub fn count_in(conn: &mut DbConnection, status: OutboxStatus) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)
}
