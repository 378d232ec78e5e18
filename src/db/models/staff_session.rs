//! `staff_sessions`: who is logged in where. The cookie holds a random token;
//! only its SHA-256 is stored. The only writer of the table.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::staff_sessions;

/// Activity is recorded at most this often per session, so a busy page does
/// not write on every request.
const SEEN_GRANULARITY_SECONDS: i64 = 60;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_sessions)]
pub struct StaffSession {
    pub id: i64,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
    pub ended_at: Option<i64>,
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl StaffSession {
    /// Starts a session; answers the token for the cookie.
    pub fn start(
        conn: &mut DbConnection,
        user_id: i64,
        user_agent: &str,
        now: i64,
    ) -> QueryResult<String> {
        let token = hex::encode(rand::random::<[u8; 32]>());
        let user_agent: String = user_agent
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        diesel::insert_into(staff_sessions::table)
            .values((
                staff_sessions::token_hash.eq(hash(&token)),
                staff_sessions::user_id.eq(user_id),
                staff_sessions::created_at.eq(now),
                staff_sessions::last_seen_at.eq(now),
                staff_sessions::user_agent.eq(user_agent),
            ))
            .execute(conn)?;
        Ok(token)
    }

    /// The live session a cookie's token names, if it has not ended.
    pub fn live(conn: &mut DbConnection, token: &str) -> QueryResult<Option<Self>> {
        staff_sessions::table
            .filter(staff_sessions::token_hash.eq(hash(token)))
            .filter(staff_sessions::ended_at.is_null())
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// Records activity (at most once a minute).
    pub fn seen(&self, conn: &mut DbConnection, now: i64) -> QueryResult<()> {
        if now - self.last_seen_at >= SEEN_GRANULARITY_SECONDS {
            diesel::update(staff_sessions::table.find(self.id))
                .set(staff_sessions::last_seen_at.eq(now))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn end(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<()> {
        diesel::update(
            staff_sessions::table
                .find(id)
                .filter(staff_sessions::ended_at.is_null()),
        )
        .set(staff_sessions::ended_at.eq(now))
        .execute(conn)?;
        Ok(())
    }

    /// Ends every live session of a user but `keep`; answers how many ended.
    pub fn end_all_of(
        conn: &mut DbConnection,
        user_id: i64,
        keep: Option<i64>,
        now: i64,
    ) -> QueryResult<usize> {
        diesel::update(
            staff_sessions::table
                .filter(staff_sessions::user_id.eq(user_id))
                .filter(staff_sessions::ended_at.is_null())
                .filter(staff_sessions::id.ne(keep.unwrap_or(-1))),
        )
        .set(staff_sessions::ended_at.eq(now))
        .execute(conn)
    }

    /// A user's live sessions, the latest first.
    pub fn live_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Self>> {
        staff_sessions::table
            .filter(staff_sessions::user_id.eq(user_id))
            .filter(staff_sessions::ended_at.is_null())
            .order(staff_sessions::last_seen_at.desc())
            .select(Self::as_select())
            .load(conn)
    }
}
