//! Migrations, embedded per backend (same names in `migrations/sqlite` and
//! `migrations/postgres`).

use anyhow::anyhow;
use diesel::Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    // Two processes starting at once (two instances, or `serve` beside a CLI
    // command) would otherwise both see a migration pending and the second
    // fail half-way: each takes the database's write lock (SQLite) or an
    // advisory lock (PostgreSQL) before looking.
    let pending = |e: Box<dyn std::error::Error + Send + Sync>| anyhow!("migration failed: {e}");
    let applied = match conn {
        DbConnection::Sqlite(c) => c.immediate_transaction(|c| {
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.len())
                .map_err(pending)
        }),
        DbConnection::Postgres(c) => c.transaction(|c| {
            diesel::RunQueryDsl::execute(
                diesel::sql_query("SELECT pg_advisory_xact_lock(7245617)"),
                c,
            )?;
            c.run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(pending)
        }),
    }?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}
