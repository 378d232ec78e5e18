//! `lead_events`: a lead's timeline and the desk's audit trail. The only
//! writer of the table; every event is a typed `LeadEvent`.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{lead_events, users};
use crate::domain::lead_event::{LeadEvent, UnreadableEvent};

/// Records `event` on a lead; `actor` is the staff member, `None` the system.
/// The webhooks that asked for the event are queued with it, in the caller's
/// transaction: an event is never recorded without its deliveries.
pub fn record(
    conn: &mut DbConnection,
    lead_id: i64,
    actor: Option<i64>,
    event: &LeadEvent,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(lead_events::table)
        .values((
            lead_events::lead_id.eq(lead_id),
            lead_events::actor_user_id.eq(actor),
            lead_events::kind.eq(event.kind()),
            lead_events::detail.eq(event.detail()),
            lead_events::created_at.eq(now),
        ))
        .execute(conn)?;
    super::webhook_delivery::enqueue_for_event(conn, lead_id, event, now)?;
    Ok(())
}

/// The escalations a desk would have made over a generated run's history
/// (form token hashes `generated-{run}-…`): every lead still waiting for a
/// first response and created before `before` was escalated a day after it
/// came in. One statement, for the load generator.
pub fn escalate_generated(conn: &mut DbConnection, run: &str, before: i64) -> QueryResult<usize> {
    use crate::db::schema::leads;
    use diesel::IntoSql;
    use diesel::sql_types::{BigInt, Text};
    let event = LeadEvent::Escalated {
        late_seconds: 86_400,
        owner: None,
    };
    let escalated = leads::table
        .filter(leads::status.eq_any(crate::domain::lead_status::LeadStatus::AWAITING_CONTACT))
        .filter(leads::first_response_at.is_null())
        .filter(leads::created_at.lt(before))
        .filter(leads::form_token_hash.like(format!("generated-{run}-%")))
        .select((
            leads::id,
            event.kind().into_sql::<Text>(),
            event.detail().into_sql::<Text>(),
            leads::created_at + 86_400_i64.into_sql::<BigInt>(),
        ));
    diesel::insert_into(lead_events::table)
        .values(escalated)
        .into_columns((
            lead_events::lead_id,
            lead_events::kind,
            lead_events::detail,
            lead_events::created_at,
        ))
        .execute(conn)
}

/// An event as stored, with who did it.
/// Selectable from `lead_events` left-joined with `users`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_events)]
pub struct EventRow {
    pub id: i64,
    pub lead_id: i64,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
    pub actor_user_id: Option<i64>,
    #[diesel(select_expression = users::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<users::name>)]
    pub actor_name: Option<String>,
}

impl EventRow {
    pub fn event(&self) -> Result<LeadEvent, UnreadableEvent> {
        LeadEvent::from_stored(&self.kind, &self.detail)
    }

    /// The events of some leads, oldest first.
    pub fn of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<Vec<Self>> {
        lead_events::table
            .left_join(users::table)
            .filter(lead_events::lead_id.eq_any(lead_ids))
            .order((lead_events::created_at.asc(), lead_events::id.asc()))
            .select(Self::as_select())
            .load(conn)
    }
}

/// Replaces, in the leads' events, whatever may quote or name the buyer
/// (`LeadEvent::holds_personal_data`). An event that cannot be read is
/// replaced whole, since nothing vouches for what it holds.
pub fn redact_personal(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<()> {
    for row in EventRow::of_leads(conn, lead_ids)? {
        let redacted = match row.event() {
            Ok(event) if !event.holds_personal_data() => continue,
            Ok(event) => event.redacted().detail(),
            Err(_) => crate::domain::lead_event::ERASED.to_owned(),
        };
        diesel::update(lead_events::table.find(row.id))
            .set(lead_events::detail.eq(redacted))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(lead_events::table.filter(lead_events::lead_id.eq_any(lead_ids))).execute(conn)
}

/// When each lead last had an event (its latest sign of life).
pub fn last_event_times(
    conn: &mut DbConnection,
    lead_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, i64>> {
    use diesel::dsl::max;
    let rows: Vec<(i64, Option<i64>)> = lead_events::table
        .filter(lead_events::lead_id.eq_any(lead_ids))
        .group_by(lead_events::lead_id)
        .select((lead_events::lead_id, max(lead_events::created_at)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect())
}
