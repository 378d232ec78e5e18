//! Opening connections: the backend from the URL, per-connection set-up, the pool.

use std::time::Duration;

use anyhow::{Context, anyhow};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use super::{DbConnection, Pool};
use crate::settings::sqlite_path;

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
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// The most of the database file read through a memory map (SQLite reads
/// the rest as before): 1 GiB, address space only, shared across connections.
pub const SQLITE_MMAP_BYTES: u64 = 1 << 30;

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
                // mmap_size: pages are read from the file's memory map, shared
                // by every connection, instead of being copied in by a read
                // call per page (a fifth of the desk's time at a million
                // leads); writes still go through the journal.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"
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

/// Sets 8 KiB pages and WAL on the file, once. Switching needs the file to
/// itself, so a starter that finds another one migrating (holding the write
/// lock) would fail at once, busy timeout or not: it reads the mode first —
/// the first starter has usually switched already — and on a lock waits and
/// looks again.
fn switch_to_wal(conn: &mut DbConnection) -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let DbConnection::Sqlite(sqlite) = conn else {
        return Ok(());
    };
    let mut last_error = None;
    for _ in 0..100 {
        let mode: Mode =
            diesel::RunQueryDsl::get_result(diesel::sql_query("PRAGMA journal_mode"), sqlite)
                .context("cannot read SQLite's journal mode")?;
        if mode.journal_mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        // 8 KiB pages: a stored mail (2–3 KiB) shares its page with others
        // instead of taking a 4 KiB page alone, and every commit writes fewer
        // pages. Takes effect only on a new file, before its first table.
        match sqlite.batch_execute("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;") {
            Ok(()) => return Ok(()),
            Err(error) => last_error = Some(error),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(anyhow::anyhow!(
        last_error.map_or_else(String::new, |e| e.to_string())
    ))
    .context("cannot switch SQLite to WAL")
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
        switch_to_wal(&mut conn)?;
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
