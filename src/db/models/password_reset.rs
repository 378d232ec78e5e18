//! `password_resets`: "forgot password" links. The only writer of the table.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::password_resets;

/// A link works this long.
pub const RESET_VALID_SECONDS: i64 = 30 * 60;
/// Links one account may be sent in an hour: a form anyone can fill must not
/// become a way to flood a colleague's inbox.
pub const RESETS_PER_HOUR: i64 = 3;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a link for the user, unless they have had their share this hour;
/// answers its token (only its hash is stored).
pub fn issue(conn: &mut DbConnection, user_id: i64, now: i64) -> QueryResult<Option<String>> {
    let recent: i64 = password_resets::table
        .filter(password_resets::user_id.eq(user_id))
        .filter(password_resets::created_at.gt(now - 3600))
        .count()
        .get_result(conn)?;
    if recent >= RESETS_PER_HOUR {
        return Ok(None);
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(hash(&token)),
            password_resets::user_id.eq(user_id),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(now + RESET_VALID_SECONDS),
        ))
        .execute(conn)?;
    Ok(Some(token))
}

/// The user a usable (unused, unexpired) link is for.
pub fn user_of(conn: &mut DbConnection, token: &str, now: i64) -> QueryResult<Option<i64>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(hash(token)))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Uses the link: answers its user if it was still usable. The update is
/// the check, so two uses at once cannot both succeed.
pub fn redeem(conn: &mut DbConnection, token: &str, now: i64) -> QueryResult<Option<i64>> {
    let Some(user_id) = user_of(conn, token, now)? else {
        return Ok(None);
    };
    let used = diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(hash(token)))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    Ok((used == 1).then_some(user_id))
}
