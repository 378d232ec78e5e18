//! `login_throttles`: failed logins per key (see `security::login_throttle`).
//! The only writer of the table.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::DbConnection;
use crate::db::schema::login_throttles;
use crate::security::login_throttle::{FORGET_AFTER_SECONDS, Rule};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_throttles)]
struct Throttle {
    failures: i32,
    blocked_until: Option<i64>,
    last_failure_at: i64,
}

/// How many seconds the longest block among `keys` has left, if any.
pub fn blocked_for(conn: &mut DbConnection, keys: &[String], now: i64) -> QueryResult<Option<i64>> {
    let until: Option<Option<i64>> = login_throttles::table
        .filter(login_throttles::key.eq_any(keys))
        .filter(login_throttles::blocked_until.gt(now))
        .select(diesel::dsl::max(login_throttles::blocked_until))
        .first(conn)
        .optional()?;
    Ok(until.flatten().map(|until| until - now))
}

/// Counts a failure against `key`. A key already blocked is left as it is: a
/// failure while blocked neither counts nor extends the block.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    rule: &Rule,
    now: i64,
) -> QueryResult<()> {
    let known: Option<Throttle> = login_throttles::table
        .find(key)
        .select(Throttle::as_select())
        .first(conn)
        .optional()?;
    let failures = match &known {
        Some(t) if t.blocked_until.is_some_and(|until| until > now) => return Ok(()),
        Some(t) if t.last_failure_at >= now - FORGET_AFTER_SECONDS => t.failures.saturating_add(1),
        _ => 1,
    };
    let blocked_until = rule.block_seconds(failures).map(|seconds| now + seconds);
    let values = (
        login_throttles::failures.eq(failures),
        login_throttles::blocked_until.eq(blocked_until),
        login_throttles::last_failure_at.eq(now),
    );
    if known.is_some() {
        diesel::update(login_throttles::table.find(key))
            .set(values)
            .execute(conn)?;
    } else {
        // Another instance may insert the same key first (PostgreSQL): the
        // savepoint keeps the transaction usable, and the count goes on.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(login_throttles::table)
                .values((login_throttles::key.eq(key), values))
                .execute(conn)
        });
        match inserted {
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return record_failure(conn, key, rule, now);
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// Forgets `key`'s failures (its owner logged in).
pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.find(key)).execute(conn)?;
    Ok(())
}
