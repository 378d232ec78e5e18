//! One connection type over SQLite and PostgreSQL, its pool, migrations, the
//! typed storage of every table (`models/`, one writer each), the read models
//! of the pages (`queries/`), and the bridge that keeps blocking database work
//! off the async executor.

mod connect;
pub mod group_commit;
pub mod inserted;
mod like;
mod migrate;
pub mod models;
pub mod queries;
pub mod schema;
mod sql_types;
mod transaction;

use anyhow::Context;
use diesel::pg::PgConnection;
use diesel::r2d2;
use diesel::sqlite::SqliteConnection;

pub use connect::{Backend, Manager, connect};
pub use migrate::{refresh_planner_statistics, run_migrations, sqlite_migrations_behind};
pub use transaction::write_transaction;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Runs blocking database work on the blocking thread pool, so request handlers
/// never stall the async executor while SQLite syncs or PostgreSQL answers.
pub async fn run_blocking<T, F>(pool: &Pool, work: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().context("no database connection available")?;
        work(&mut conn)
    })
    .await
    .context("database task panicked or was cancelled")?
}

/// Current time as unix seconds, the unit of every timestamp column.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
