//! `/admin/audit`: the desk's actions and the lead events staff caused, one
//! list (the `audit_trail` view), newest first.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{audit_trail, users};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub lead: Option<i64>,
}

pub const AUDIT_PAGE_SIZE: i64 = 100;

/// A row of the trail: a desk action (`lead_id` empty) or a lead event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_trail)]
pub struct AuditRow {
    pub source: String,
    pub id: i64,
    pub created_at: i64,
    pub actor_user_id: Option<i64>,
    #[diesel(select_expression = users::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<users::name>)]
    pub actor_name: Option<String>,
    pub action: String,
    pub lead_id: Option<i64>,
    pub target: String,
    pub detail: String,
}

pub fn audit_page(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    page: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_trail::table
        .left_join(users::table)
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(audit_trail::actor_user_id.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_trail::action.eq(action.clone()));
    }
    if let Some(lead) = filter.lead {
        query = query.filter(audit_trail::lead_id.eq(lead));
    }
    query
        .order((audit_trail::created_at.desc(), audit_trail::id.desc()))
        .limit(AUDIT_PAGE_SIZE)
        .offset(page.max(0).saturating_mul(AUDIT_PAGE_SIZE))
        .load(conn)
}
