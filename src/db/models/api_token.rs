//! `api_tokens`: the JSON API's bearer tokens. Only a token's SHA-256 is kept
//! (256 random bits: a slow hash would add nothing). The only writer of the
//! table.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::{api_tokens, users};
use crate::domain::webhook::ApiScope;

/// Last-used times are written at most this often per token, so a busy
/// integration does not turn every read into a write.
const LAST_USED_PRECISION_SECONDS: i64 = 60;

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub prefix: String,
    pub created_by: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    #[diesel(select_expression = users::name)]
    #[diesel(select_expression_type = users::name)]
    pub created_by_name: String,
}

impl ApiToken {
    pub fn scope(&self) -> ApiScope {
        ApiScope::from_db(&self.scope).unwrap_or(ApiScope::Read)
    }

    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        api_tokens::table
            .inner_join(users::table)
            .order(api_tokens::id.desc())
            .select(Self::as_select())
            .load(conn)
    }

    /// The token a bearer presents, revoked or not.
    pub fn by_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<Self>> {
        api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(hash(token)))
            .select(Self::as_select())
            .first(conn)
            .optional()
    }
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    scope: ApiScope,
    token: &str,
    created_by: i64,
    now: i64,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::scope.eq(scope.as_db()),
            api_tokens::token_hash.eq(hash(token)),
            api_tokens::prefix.eq(token.chars().take(12).collect::<String>()),
            api_tokens::created_by.eq(created_by),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash(token)))
        .select(api_tokens::id)
        .first(conn)
}

/// `false` when the token is unknown or already revoked.
pub fn revoke(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<bool> {
    let changed = diesel::update(api_tokens::table.find(id))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(changed > 0)
}

pub fn touch(conn: &mut DbConnection, token: &ApiToken, now: i64) -> QueryResult<()> {
    if token
        .last_used_at
        .is_some_and(|at| now - at < LAST_USED_PRECISION_SECONDS)
    {
        return Ok(());
    }
    diesel::update(api_tokens::table.find(token.id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)?;
    Ok(())
}
