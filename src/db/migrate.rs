//! Migrations, embedded per backend (same names in `migrations/sqlite` and
//! `migrations/postgres`).

use anyhow::anyhow;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How a SQLite file stands against this build's migrations: the number not
/// yet applied (they are at the next start), or an error when the file knows
/// migrations this build does not (it comes from a newer version).
pub fn sqlite_migrations_behind(conn: &mut diesel::SqliteConnection) -> anyhow::Result<usize> {
    let known: Vec<String> =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .map_err(|e| anyhow!("{e}"))?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect();
    let applied: Vec<String> = conn
        .applied_migrations()
        .map_err(|e| anyhow!("cannot read its migrations: {e}"))?
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        anyhow::bail!("it has migration {unknown}, which this version of reportdesk does not know");
    }
    Ok(known.iter().filter(|v| !applied.contains(v)).count())
}

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

/// Gives SQLite's query planner statistics (`ANALYZE`) when it has none or
/// the leads have doubled (or halved) since: without them it guesses that
/// `status = ?` is selective and walks a status index across most of a
/// million leads where the owner's index, or a follow-up's handful of rows,
/// would do. A sampled `ANALYZE` (`analysis_limit`) is no cure: its first
/// rows of each index make every key look equally rare. A full one reads
/// every index, so it runs only when the table has changed that much.
/// PostgreSQL's autovacuum keeps its own statistics. Answers whether it ran.
pub fn refresh_planner_statistics(conn: &mut DbConnection) -> diesel::QueryResult<bool> {
    use diesel::RunQueryDsl;
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Nullable, Text};
    let DbConnection::Sqlite(c) = conn else {
        return Ok(false);
    };
    let leads: i64 = diesel::select(sql::<BigInt>("(SELECT count(*) FROM leads)")).get_result(c)?;
    let has_stats: i64 = diesel::select(sql::<BigInt>(
        "(SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1')",
    ))
    .get_result(c)?;
    let analysed = if has_stats == 0 {
        None
    } else {
        diesel::select(sql::<Nullable<Text>>(
            "(SELECT stat FROM sqlite_stat1 WHERE tbl = 'leads' LIMIT 1)",
        ))
        .get_result::<Option<String>>(c)?
        .and_then(|stat| stat.split(' ').next()?.parse::<i64>().ok())
    };
    let stale = match analysed {
        None => true,
        Some(rows) => leads >= 2 * rows.max(500) || 2 * leads < rows,
    };
    if stale {
        c.batch_execute("ANALYZE;")?;
        tracing::info!(leads, "query planner statistics refreshed");
    }
    Ok(stale)
}
