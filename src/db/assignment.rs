//! Who owns a new lead: the routing rule for the buyer's country, else the next
//! active sales user in turn. Runs inside the lead's transaction.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::DbConnection;
use super::schema::{assignment_cursor, lead_events, leads, routing_rules, users};
use super::users::ROLE_SALES;

/// The owner a lead was given, with what the notification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedOwner {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// "routing rule for DE" or "round-robin".
    pub by: String,
}

#[derive(QueryableByName)]
struct Turns {
    #[diesel(sql_type = BigInt)]
    turns: i64,
}

/// Takes the next round-robin turn (1, 2, 3, …). On PostgreSQL the UPDATE
/// locks the cursor row until the lead's transaction commits, so concurrent
/// submits queue for consecutive turns; SQLite's write lock does the same.
fn next_turn(conn: &mut DbConnection) -> QueryResult<i64> {
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

fn active_user(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(i64, String, String)>> {
    users::table
        .find(id)
        .filter(users::active.eq(true))
        .select((users::id, users::email, users::name))
        .first(conn)
        .optional()
}

/// Chooses and records the owner of a just-stored lead. `None` when there is
/// no rule and no active sales user: the sales inbox still hears of the lead.
pub fn assign_new_lead(
    conn: &mut DbConnection,
    lead_id: i64,
    country: &str,
    now: i64,
) -> QueryResult<Option<AssignedOwner>> {
    let ruled: Option<i64> = routing_rules::table
        .filter(routing_rules::country.eq(country))
        .select(routing_rules::user_id)
        .first(conn)
        .optional()?;
    let mut chosen = match ruled {
        Some(user_id) => {
            active_user(conn, user_id)?.map(|u| (u, format!("routing rule for {country}")))
        }
        None => None,
    };
    if chosen.is_none() {
        let sales: Vec<(i64, String, String)> = users::table
            .filter(users::active.eq(true))
            .filter(users::role.eq(ROLE_SALES))
            .order(users::id)
            .select((users::id, users::email, users::name))
            .load(conn)?;
        if !sales.is_empty() {
            let turn = next_turn(conn)?;
            let index = usize::try_from((turn - 1).rem_euclid(sales.len() as i64)).unwrap_or(0);
            chosen = Some((sales[index].clone(), "round-robin".to_owned()));
        }
    }
    let Some(((id, email, name), by)) = chosen else {
        return Ok(None);
    };
    diesel::update(leads::table.find(lead_id))
        .set(leads::assignee_id.eq(id))
        .execute(conn)?;
    diesel::insert_into(lead_events::table)
        .values((
            lead_events::lead_id.eq(lead_id),
            lead_events::kind.eq("assigned"),
            lead_events::detail
                .eq(serde_json::json!({ "from": null, "to": id, "by": by }).to_string()),
            lead_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Some(AssignedOwner {
        id,
        email,
        name,
        by,
    }))
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
    super::write_transaction(conn, |conn| {
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
