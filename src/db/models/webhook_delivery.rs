//! `webhook_deliveries`: each lead event an endpoint asked for, written in the
//! same transaction as the event, then claimed, posted and settled by the
//! webhook worker with the outbox's discipline (lease, backoff, dead). The
//! only writer of the table.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::models::webhook_endpoint::WebhookEndpoint;
use crate::db::queries::lead_json;
use crate::db::schema::{webhook_deliveries, webhook_endpoints};
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::{ERASED, LeadEvent};
use crate::domain::lead_json::api_time;
use crate::domain::lead_status::LeadStatus;
use crate::domain::webhook::{self, DeliveryStatus};
use crate::security::webhook_signature::new_message_id;

/// Queues a delivery of `event` to every endpoint that asked for its webhook
/// type, with the lead as it stands after the event. Called by the one
/// writer of `lead_events`, so no event is recorded without its deliveries.
pub fn enqueue_for_event(
    conn: &mut DbConnection,
    lead_id: i64,
    event: &LeadEvent,
    now: i64,
) -> QueryResult<usize> {
    let Some((kind, fields)) = webhook::of_lead_event(event) else {
        return Ok(0);
    };
    let endpoints = WebhookEndpoint::wanting(conn, kind)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let Some(lead) = lead_json::load(conn, &[lead_id], false)?.pop() else {
        return Ok(0);
    };
    let status = LeadStatus::from_db(&lead.status).unwrap_or(LeadStatus::New);
    if !webhook::reaches_crm(event, status) {
        return Ok(0);
    }
    let lead = serde_json::to_value(&lead).unwrap_or_default();
    let body = webhook::payload(kind, &lead, fields, &api_time(now)).to_string();
    for endpoint in &endpoints {
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::endpoint_id.eq(endpoint.id),
                webhook_deliveries::lead_id.eq(lead_id),
                webhook_deliveries::message_id.eq(new_message_id()),
                webhook_deliveries::event_type.eq(kind.as_str()),
                webhook_deliveries::payload.eq(&body),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_db()),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(endpoints.len())
}

/// A claimed delivery with what is needed to post it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub lead_id: Option<i64>,
    pub message_id: String,
    pub event_type: String,
    pub payload: String,
    pub attempts: i32,
    #[diesel(embed)]
    pub endpoint: WebhookEndpoint,
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due deliveries of enabled endpoints until
/// `lease_until`, longest due first; a delivery whose lease ran out (its
/// instance died mid-post) is due again. Instances never hold one at once.
pub fn claim_due(
    conn: &mut DbConnection,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> QueryResult<Vec<ClaimedDelivery>> {
    let pending = DeliveryStatus::Pending.as_db();
    let ids: Vec<i64> = match conn {
        // SKIP LOCKED: instances claiming at once take different rows instead
        // of queueing behind each other's locks.
        DbConnection::Postgres(pg) => diesel::sql_query(
            "UPDATE webhook_deliveries SET claimed_until = $4 WHERE id IN ( \
                 SELECT d.id FROM webhook_deliveries d \
                 JOIN webhook_endpoints e ON e.id = d.endpoint_id \
                 WHERE d.status = $1 AND d.next_attempt_at <= $2 AND e.enabled \
                 AND (d.claimed_until IS NULL OR d.claimed_until < $2) \
                 ORDER BY d.next_attempt_at, d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<Text, _>(pending)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(lease_until)
        .load::<ClaimedId>(pg)?
        .into_iter()
        .map(|row| row.id)
        .collect(),
        // SQLite has one writer at a time: the IMMEDIATE transaction that
        // reads and marks the rows is already exclusive.
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let ids: Vec<i64> = webhook_deliveries::table
                .inner_join(webhook_endpoints::table)
                .filter(webhook_deliveries::status.eq(pending))
                .filter(webhook_deliveries::next_attempt_at.le(now))
                .filter(webhook_endpoints::enabled.eq(true))
                .filter(
                    webhook_deliveries::claimed_until
                        .is_null()
                        .or(webhook_deliveries::claimed_until.lt(now)),
                )
                .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
                .select(webhook_deliveries::id)
                .limit(limit)
                .load(conn)?;
            diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
                .set(webhook_deliveries::claimed_until.eq(lease_until))
                .execute(conn)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id)
        .select(ClaimedDelivery::as_select())
        .load(conn)
}

/// How one attempt ended, to record.
pub struct Attempt<'a> {
    pub response_code: Option<i32>,
    pub error: Option<&'a str>,
    pub now: i64,
    /// `Delivered`, `Dead`, or `Pending` with `retry_at`.
    pub status: DeliveryStatus,
    pub retry_at: i64,
}

pub fn record_attempt(conn: &mut DbConnection, id: i64, attempt: &Attempt<'_>) -> QueryResult<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(attempt.status.as_db()),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::next_attempt_at.eq(attempt.retry_at),
            webhook_deliveries::response_code.eq(attempt.response_code),
            webhook_deliveries::last_error.eq(attempt.error),
            webhook_deliveries::claimed_until.eq(None::<i64>),
            webhook_deliveries::delivered_at
                .eq((attempt.status == DeliveryStatus::Delivered).then_some(attempt.now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives claimed but unposted deliveries back, for a clean shutdown.
pub fn release(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<()> {
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(ids)))
        .set(webhook_deliveries::claimed_until.eq(None::<i64>))
        .execute(conn)?;
    Ok(())
}

/// An admin's "redeliver": the same delivery (same `webhook-id`) is due now
/// with fresh attempts. `false` for an unknown one, or one whose lead was
/// erased since.
pub fn redeliver(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<bool> {
    let changed = diesel::update(webhook_deliveries::table.find(id))
        .filter(webhook_deliveries::payload.ne(ERASED))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_db()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::claimed_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// A delivery as the admin page and a lead's timeline show it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub lead_id: Option<i64>,
    pub message_id: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    #[diesel(select_expression = webhook_endpoints::url)]
    #[diesel(select_expression_type = webhook_endpoints::url)]
    pub endpoint_url: String,
}

impl DeliveryRow {
    /// The newest deliveries, of every endpoint.
    pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Self>> {
        webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .order(webhook_deliveries::id.desc())
            .limit(limit)
            .select(Self::as_select())
            .load(conn)
    }

    /// A lead's deliveries, oldest first.
    pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<Self>> {
        webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .filter(webhook_deliveries::lead_id.eq(lead_id))
            .order(webhook_deliveries::id)
            .select(Self::as_select())
            .load(conn)
    }
}

/// Erasure: a delivery not yet made would carry the buyer's data, so it
/// dies; every payload of the leads is replaced.
pub fn erase_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<()> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::lead_id.eq_any(&ids))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_db())),
    )
    .set(webhook_deliveries::status.eq(DeliveryStatus::Dead.as_db()))
    .execute(conn)?;
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::lead_id.eq_any(&ids)))
        .set((
            webhook_deliveries::payload.eq(ERASED),
            webhook_deliveries::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    let ids: Vec<Option<i64>> = lead_ids.iter().copied().map(Some).collect();
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::lead_id.eq_any(ids)))
        .execute(conn)
}

/// Deliveries in a state, for the metrics.
pub fn count_in(conn: &mut DbConnection, status: DeliveryStatus) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(status.as_db()))
        .count()
        .get_result(conn)
}
