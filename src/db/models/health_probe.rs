//! `health_probe`: the row `/healthz` writes to prove the database takes
//! writes. The only writer of the table.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::health_probe;

/// How long a probe waits for a lock before the database counts as
/// unwritable: a health check must answer fast.
const PROBE_WAIT_MS: u32 = 1_000;

/// Writes and commits the probe row. The connection's usual lock wait is
/// restored afterwards.
pub fn probe_write(conn: &mut DbConnection, now: i64) -> anyhow::Result<()> {
    let (shorten, restore) = match conn {
        DbConnection::Sqlite(_) => (
            format!("PRAGMA busy_timeout = {PROBE_WAIT_MS};"),
            format!(
                "PRAGMA busy_timeout = {};",
                crate::db::connect::SQLITE_BUSY_TIMEOUT_MS
            ),
        ),
        DbConnection::Postgres(_) => (
            format!("SET lock_timeout = {PROBE_WAIT_MS};"),
            "RESET lock_timeout;".to_owned(),
        ),
    };
    conn.batch_execute(&shorten)?;
    let written = diesel::update(health_probe::table.find(1))
        .set(health_probe::checked_at.eq(now))
        .execute(conn);
    conn.batch_execute(&restore)?;
    anyhow::ensure!(written? == 1, "the health probe row is missing");
    Ok(())
}
