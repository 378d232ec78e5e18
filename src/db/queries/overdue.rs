//! New leads past their first-response target that are not escalated yet.

use diesel::dsl::{exists, not};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{lead_events, leads, reports, users};
use crate::domain::lead_event::ESCALATED;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::ResponseTargets;

/// What an overdue digest says about a lead: nothing of the buyer.
#[derive(Debug, Clone, Queryable)]
pub struct OverdueLead {
    pub id: i64,
    pub kind: LeadKind,
    pub created_at: i64,
    pub report_title: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
}

/// How many open, never-contacted leads of each kind are past their target
/// (escalated or not): the metrics' gauge.
pub fn count_by_kind(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<Vec<(LeadKind, i64)>> {
    LeadKind::ALL
        .into_iter()
        .map(|kind| {
            let count = leads::table
                .filter(leads::first_response_at.is_null())
                .filter(leads::created_at.lt(targets.cutoff(kind, now)))
                .filter(leads::status.eq_any(LeadStatus::AWAITING_CONTACT))
                .filter(leads::kind.eq(kind))
                .count()
                .get_result(conn)?;
            Ok((kind, count))
        })
        .collect()
}

pub fn overdue_unescalated(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<OverdueLead>> {
    let mut found = Vec::new();
    for kind in LeadKind::ALL {
        let cutoff = targets.cutoff(kind, now);
        let rows: Vec<OverdueLead> = leads::table
            .inner_join(reports::table)
            .left_join(users::table)
            .filter(leads::status.eq_any(LeadStatus::AWAITING_CONTACT))
            .filter(leads::first_response_at.is_null())
            .filter(leads::kind.eq(kind))
            .filter(leads::created_at.lt(cutoff))
            .filter(not(exists(
                lead_events::table
                    .filter(lead_events::lead_id.eq(leads::id))
                    .filter(lead_events::kind.eq(ESCALATED)),
            )))
            .order(leads::id)
            .limit(limit)
            .select((
                leads::id,
                leads::kind,
                leads::created_at,
                reports::title,
                leads::assignee_id,
                users::name.nullable(),
                users::email.nullable(),
            ))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
