//! Write transactions that wait their turn instead of failing "busy".

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::sqlite::SqliteConnection;

use super::DbConnection;

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
