//! `/admin/audit`: staff actions (events with an actor), newest first.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::lead_event::EventRow;
use crate::db::schema::{lead_events, users};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<i64>,
    pub kind: Option<String>,
    pub lead: Option<i64>,
}

pub const AUDIT_PAGE_SIZE: i64 = 100;

pub fn audit_page(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    page: i64,
) -> QueryResult<Vec<EventRow>> {
    let mut query = lead_events::table
        .inner_join(users::table)
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(lead_events::actor_user_id.eq(actor));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(lead_events::kind.eq(kind.clone()));
    }
    if let Some(lead) = filter.lead {
        query = query.filter(lead_events::lead_id.eq(lead));
    }
    query
        .order((lead_events::created_at.desc(), lead_events::id.desc()))
        .limit(AUDIT_PAGE_SIZE)
        .offset(page.max(0).saturating_mul(AUDIT_PAGE_SIZE))
        .load(conn)
}
