//! `recovery_codes`: a staff member's one-time codes for when the phone is
//! gone, as keyed hashes (see `security::two_factor_keys`). The only writer
//! of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::recovery_codes;

/// Replaces a user's codes with new ones (enrolment, or "new codes").
pub fn replace(
    conn: &mut DbConnection,
    user_id: i64,
    hashes: &[String],
    now: i64,
) -> QueryResult<()> {
    delete_all(conn, user_id)?;
    // Row by row: the multi-backend connection has no batch insert.
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses up the code with this hash, if the user has it unused. One
/// conditional update: two logins racing with the same code, one wins.
pub fn use_code(conn: &mut DbConnection, user_id: i64, hash: &str, now: i64) -> QueryResult<bool> {
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(used > 0)
}

/// Unused codes left.
pub fn remaining(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

pub fn delete_all(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)
}
