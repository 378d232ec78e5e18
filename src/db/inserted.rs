//! The id of the row this connection inserted last. Reading back "the newest
//! row of this lead" instead would, on PostgreSQL, find another session's row
//! committed in between; these functions answer for this connection alone.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::DbConnection;

#[derive(QueryableByName)]
struct InsertedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Call right after the `INSERT` (before any other insert on the connection).
/// SQLite: `last_insert_rowid()` (a trigger's own inserts do not change it
/// once the trigger ends). PostgreSQL: `lastval()`, the session's last value
/// drawn from a sequence — the identity column's.
pub fn last_insert_id(conn: &mut DbConnection) -> QueryResult<i64> {
    let row: InsertedId = match conn {
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("SELECT last_insert_rowid() AS id").get_result(sqlite)?
        }
        DbConnection::Postgres(pg) => diesel::sql_query("SELECT lastval() AS id").get_result(pg)?,
    };
    Ok(row.id)
}
