//! `follow_ups`: the next step on a lead and when it is due. The only writer
//! of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{follow_ups, leads, reports, users};
use crate::domain::lead_event::ERASED;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUp {
    pub lead_id: i64,
    pub due_at: i64,
    pub action: String,
    pub set_by: Option<i64>,
    pub set_at: i64,
}

pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Option<FollowUp>> {
    follow_ups::table
        .find(lead_id)
        .select(FollowUp::as_select())
        .first(conn)
        .optional()
}

/// The due times of these leads' follow-ups.
pub fn due_times(
    conn: &mut DbConnection,
    lead_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, i64>> {
    Ok(follow_ups::table
        .filter(follow_ups::lead_id.eq_any(lead_ids))
        .select((follow_ups::lead_id, follow_ups::due_at))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect())
}

/// Sets (or moves) a lead's next step; its reminders start over.
pub fn set(
    conn: &mut DbConnection,
    lead_id: i64,
    due_at: i64,
    action: &str,
    by: i64,
    now: i64,
) -> QueryResult<()> {
    let values = (
        follow_ups::due_at.eq(due_at),
        follow_ups::action.eq(action),
        follow_ups::set_by.eq(Some(by)),
        follow_ups::set_at.eq(now),
        follow_ups::reminded_for.eq(None::<i64>),
        follow_ups::escalated_for.eq(None::<i64>),
    );
    let changed = diesel::update(follow_ups::table.find(lead_id))
        .set(values)
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(follow_ups::table)
            .values((follow_ups::lead_id.eq(lead_id), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Gives every open, contacted lead of a generated run (form token hashes
/// `generated-{run}-…`) a next step due `after` seconds past its creation,
/// in one statement: the load generator's desk has follow-ups in flight.
pub fn plan_generated(conn: &mut DbConnection, run: &str, after: i64) -> QueryResult<usize> {
    use diesel::IntoSql;
    use diesel::sql_types::{BigInt, Text};
    let contacted = [
        LeadStatus::Contacted,
        LeadStatus::Qualified,
        LeadStatus::Proposal,
    ];
    let planned = leads::table
        .filter(leads::status.eq_any(contacted))
        .filter(leads::form_token_hash.like(format!("generated-{run}-%")))
        .select((
            leads::id,
            leads::created_at + after.into_sql::<BigInt>(),
            "Call back with the figures".into_sql::<Text>(),
            leads::created_at,
        ));
    diesel::insert_into(follow_ups::table)
        .values(planned)
        .into_columns((
            follow_ups::lead_id,
            follow_ups::due_at,
            follow_ups::action,
            follow_ups::set_at,
        ))
        .execute(conn)
}

/// A closed lead has no next step.
pub fn clear(conn: &mut DbConnection, lead_id: i64) -> QueryResult<()> {
    diesel::delete(follow_ups::table.find(lead_id)).execute(conn)?;
    Ok(())
}

/// A follow-up due, as a reminder lists it (no buyer data).
#[derive(Debug, Clone, Queryable)]
pub struct DueFollowUp {
    pub lead_id: i64,
    pub due_at: i64,
    pub kind: LeadKind,
    pub report_title: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
}

/// Which reminder a query is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// To the owner, once the follow-up is due.
    Owner,
    /// To the sales inbox, once it is late by the grace period.
    Escalation,
}

/// Open leads whose follow-up is due by `cutoff` and has not had this
/// reminder for its due time.
pub fn due_unreminded(
    conn: &mut DbConnection,
    reminder: Reminder,
    cutoff: i64,
    limit: i64,
) -> QueryResult<Vec<DueFollowUp>> {
    let query = follow_ups::table
        .inner_join(
            leads::table
                .inner_join(reports::table)
                .left_join(users::table),
        )
        .filter(follow_ups::due_at.le(cutoff))
        .filter(leads::status.eq_any(LeadStatus::AWAITING_CONTACT))
        .into_boxed();
    let query = match reminder {
        Reminder::Owner => query.filter(
            follow_ups::reminded_for
                .is_null()
                .or(follow_ups::reminded_for.ne(follow_ups::due_at.nullable())),
        ),
        Reminder::Escalation => query.filter(
            follow_ups::escalated_for
                .is_null()
                .or(follow_ups::escalated_for.ne(follow_ups::due_at.nullable())),
        ),
    };
    query
        .order(follow_ups::due_at)
        .limit(limit)
        .select((
            follow_ups::lead_id,
            follow_ups::due_at,
            leads::kind,
            reports::title,
            leads::assignee_id,
            users::name.nullable(),
            users::email.nullable(),
        ))
        .load(conn)
}

/// Claims this reminder for the lead's current due time: `true` for the one
/// sweep (of however many instances) that gets it.
pub fn claim_reminder(
    conn: &mut DbConnection,
    reminder: Reminder,
    lead_id: i64,
) -> QueryResult<bool> {
    let row = follow_ups::table.find(lead_id);
    let claimed = match reminder {
        Reminder::Owner => diesel::update(
            row.filter(
                follow_ups::reminded_for
                    .is_null()
                    .or(follow_ups::reminded_for.ne(follow_ups::due_at.nullable())),
            ),
        )
        .set(follow_ups::reminded_for.eq(follow_ups::due_at.nullable()))
        .execute(conn)?,
        Reminder::Escalation => diesel::update(
            row.filter(
                follow_ups::escalated_for
                    .is_null()
                    .or(follow_ups::escalated_for.ne(follow_ups::due_at.nullable())),
            ),
        )
        .set(follow_ups::escalated_for.eq(follow_ups::due_at.nullable()))
        .execute(conn)?,
    };
    Ok(claimed == 1)
}

/// Erasure: the next step's words may name the buyer.
pub fn erase_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<()> {
    diesel::update(follow_ups::table.filter(follow_ups::lead_id.eq_any(lead_ids)))
        .set(follow_ups::action.eq(ERASED))
        .execute(conn)?;
    Ok(())
}

pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(follow_ups::table.filter(follow_ups::lead_id.eq_any(lead_ids))).execute(conn)
}
