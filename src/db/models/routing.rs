//! `routing_rules` and `assignment_cursor`: which owner a new lead gets (the
//! choice itself is `workflow::assign_owner`). The only writer of both tables.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::{assignment_cursor, routing_rules, users};
use crate::db::{DbConnection, write_transaction};
use crate::domain::role::Role;

/// A possible owner: (id, email, name).
pub type Candidate = (i64, String, String);

#[derive(QueryableByName)]
struct Turns {
    #[diesel(sql_type = BigInt)]
    turns: i64,
}

/// Takes the next round-robin turn (1, 2, 3, …). On PostgreSQL the UPDATE
/// locks the cursor row until the lead's transaction commits, so concurrent
/// submits queue for consecutive turns; SQLite's write lock does the same.
pub fn next_turn(conn: &mut DbConnection) -> QueryResult<i64> {
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "UPDATE assignment_cursor SET turns = turns + 1 WHERE id = 1 RETURNING turns",
        )
        .get_result::<Turns>(pg)
        .map(|row| row.turns),
        DbConnection::Sqlite(_) => {
            diesel::update(assignment_cursor::table.find(1))
                .set(assignment_cursor::turns.eq(assignment_cursor::turns + 1))
                .execute(conn)?;
            assignment_cursor::table
                .find(1)
                .select(assignment_cursor::turns)
                .first(conn)
        }
    }
}

/// The user, if active.
pub fn active_user(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Candidate>> {
    users::table
        .find(id)
        .filter(users::active.eq(true))
        .select((users::id, users::email, users::name))
        .first(conn)
        .optional()
}

/// The user a country's rule names, if there is a rule.
pub fn ruled_owner(conn: &mut DbConnection, country: &str) -> QueryResult<Option<i64>> {
    routing_rules::table
        .filter(routing_rules::country.eq(country))
        .select(routing_rules::user_id)
        .first(conn)
        .optional()
}

/// Active sales users in round-robin order.
pub fn active_sales(conn: &mut DbConnection) -> QueryResult<Vec<Candidate>> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq(Role::Sales))
        .order(users::id)
        .select((users::id, users::email, users::name))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct RoutingRule {
    pub id: i64,
    pub country: String,
    pub user_id: i64,
    pub user_name: String,
}

pub fn routing_rules(conn: &mut DbConnection) -> QueryResult<Vec<RoutingRule>> {
    routing_rules::table
        .inner_join(users::table)
        .order(routing_rules::country)
        .select((
            routing_rules::id,
            routing_rules::country,
            routing_rules::user_id,
            users::name,
        ))
        .load(conn)
}

/// Sets the rule for a country (replacing an existing one).
pub fn set_routing_rule(
    conn: &mut DbConnection,
    country: &str,
    user_id: i64,
    now: i64,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(routing_rules::table.filter(routing_rules::country.eq(country)))
            .execute(conn)?;
        diesel::insert_into(routing_rules::table)
            .values((
                routing_rules::country.eq(country),
                routing_rules::user_id.eq(user_id),
                routing_rules::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

pub fn delete_routing_rule(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(routing_rules::table.find(id)).execute(conn)
}
