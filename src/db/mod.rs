//! One connection type over SQLite and PostgreSQL, its pool, migrations, and the
//! bridge that keeps blocking database work off the async executor.

pub mod assignment;
pub mod contact_search;
pub mod dashboard;
pub mod escalation;
pub mod gdpr;
pub mod group_commit;
pub mod lead_admin;
pub mod leads;
pub mod like;
pub mod outbox;
pub mod reports;
pub mod schema;
pub mod users;

use std::time::Duration;

use anyhow::{Context, anyhow};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::settings::sqlite_path;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend is chosen from the URL scheme here, not by the derived
    /// `establish`, which tries every backend and reports only the last error.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(anyhow!(
                "REPORTDESK_DATABASE_URL must start with sqlite:// or postgres://"
            ))
        }
    }
}

/// SQLite waits this long for another writer before giving up with "busy".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Opens connections for the pool with the per-connection set-up each backend needs.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    fn open(&self) -> Result<DbConnection, ConnectionError> {
        match self.backend {
            Backend::Sqlite => {
                let path = sqlite_path(&self.url).unwrap_or_default();
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first, so the other pragmas wait for a writer too.
                // synchronous=FULL: a lead is on disk before the buyer is thanked.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;"
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => Ok(DbConnection::Postgres(PgConnection::establish(&self.url)?)),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Prepares the database and builds the pool: creates the SQLite file's folder,
/// switches a SQLite file to WAL once (it is a property of the file), and checks
/// that the database answers, so a wrong URL fails at start with its real error.
pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let backend = Backend::from_url(url)?;
    let manager = Manager {
        url: url.to_owned(),
        backend,
    };
    if backend == Backend::Sqlite {
        let path = sqlite_path(url).context("bad sqlite URL")?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut conn = manager
            .open()
            .with_context(|| format!("cannot open SQLite database {}", path.display()))?;
        // 8 KiB pages: a stored mail (2–3 KiB) shares its page with others
        // instead of taking a 4 KiB page alone, and every commit writes fewer
        // pages. Takes effect only on a new file, before its first table.
        conn.batch_execute("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;")
            .context("cannot switch SQLite to WAL")?;
    } else {
        manager.open().context("cannot connect to PostgreSQL")?;
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        // Open connections as load needs them rather than all at start, so
        // several instances (and test apps) do not exhaust a shared PostgreSQL.
        .min_idle(Some(max_size.min(2)))
        .connection_timeout(Duration::from_secs(5))
        .build(manager)
        .context("cannot build the database pool")
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

/// Runs a write transaction. On SQLite it begins IMMEDIATE, taking the write lock
/// up front: a deferred transaction that reads first and writes later fails with
/// "busy" instead of waiting when another writer got there in between.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let nested = match conn {
        DbConnection::Postgres(_) => true,
        DbConnection::Sqlite(c) => matches!(
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
            Ok(Some(_))
        ),
    };
    // PostgreSQL needs nothing special; inside a transaction this is a savepoint.
    if nested {
        return conn.transaction(work);
    }
    // SQLite takes one writer at a time. Writers of this process queue here, in
    // order, instead of in SQLite's busy handler, which sleeps in growing steps
    // and would leave the database idle while a dozen requests wait.
    let _writer = SQLITE_WRITER.lock().unwrap_or_else(|p| p.into_inner());
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let outcome = work(conn);
    match conn {
        DbConnection::Sqlite(c) => finish_sqlite_transaction(c, outcome),
        DbConnection::Postgres(_) => outcome,
    }
}

static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn finish_sqlite_transaction<T, E>(c: &mut SqliteConnection, outcome: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match outcome {
        Ok(value) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                // A failed COMMIT leaves the transaction open; end it so the
                // pooled connection is clean for its next user.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(commit_error.into())
            }
        },
        Err(error) => {
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(error)
        }
    }
}

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
