//! `audit_log`: the desk's own actions. The only writer of the table; callers
//! record in the transaction of the action they record.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::domain::audit_action::AuditAction;

/// One action: who (`None` when nobody was signed in, as for a failed
/// login), what, on what, and anything worth keeping about it. Nothing a
/// buyer typed goes in `target` or `detail`.
pub struct AuditEntry<'a> {
    pub actor: Option<i64>,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: &'a str,
}

/// A staff account as the trail names it: "Sam Sales <sam@publisher.test>".
pub fn staff_target(name: &str, email: &str) -> String {
    format!("{name} <{email}>")
}

impl AuditEntry<'_> {
    pub fn record(&self, conn: &mut DbConnection, now: i64) -> QueryResult<()> {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::created_at.eq(now),
                audit_log::actor_user_id.eq(self.actor),
                audit_log::action.eq(self.action.as_db()),
                audit_log::target.eq(self.target),
                audit_log::detail.eq(self.detail),
            ))
            .execute(conn)?;
        Ok(())
    }
}

/// Runs `work` and records `entry` in one write transaction: the action and
/// its record land together or not at all.
pub fn audited<T, E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    entry: &AuditEntry<'_>,
    now: i64,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    crate::db::write_transaction(conn, |conn| {
        let outcome = work(conn)?;
        entry.record(conn, now)?;
        Ok(outcome)
    })
}
