//! New leads past their first-response target that have no escalation yet.

use diesel::dsl::{exists, not};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{contacts, leads, outbox, reports, users};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::MailKind;
use crate::domain::response_clock::ResponseTargets;

/// What an escalation mail says about a lead.
#[derive(Debug, Clone, Queryable)]
pub struct OverdueLead {
    pub id: i64,
    pub kind: LeadKind,
    pub created_at: i64,
    pub name: String,
    pub company: String,
    pub report_title: String,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
}

pub fn overdue_unescalated(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
    limit: i64,
) -> QueryResult<Vec<OverdueLead>> {
    let mut found = Vec::new();
    for kind in LeadKind::ALL {
        let cutoff = now - targets.for_kind(kind);
        let rows: Vec<OverdueLead> = leads::table
            .inner_join(contacts::table)
            .inner_join(reports::table)
            .left_join(users::table)
            .filter(leads::status.eq(LeadStatus::New))
            .filter(leads::kind.eq(kind))
            .filter(leads::created_at.lt(cutoff))
            .filter(not(exists(
                outbox::table
                    .filter(outbox::lead_id.eq(leads::id.nullable()))
                    .filter(outbox::kind.eq(MailKind::Escalation)),
            )))
            .order(leads::id)
            .limit(limit)
            .select((
                leads::id,
                leads::kind,
                leads::created_at,
                contacts::name,
                contacts::company,
                reports::title,
                users::name.nullable(),
                users::email.nullable(),
            ))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// How many new leads are past their target now, per kind.
pub fn overdue_counts(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<i64> {
    let mut overdue = 0;
    for kind in LeadKind::ALL {
        let n: i64 = leads::table
            .filter(leads::status.eq(LeadStatus::New))
            .filter(leads::kind.eq(kind))
            .filter(leads::created_at.lt(now - targets.for_kind(kind)))
            .count()
            .get_result(conn)?;
        overdue += n;
    }
    Ok(overdue)
}
