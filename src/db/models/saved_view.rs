//! `saved_views`: named filters of the lead list. The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::saved_views;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_views)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub query: String,
    pub user_id: i64,
    pub shared: bool,
}

/// A person's own views and the team's shared ones, by name.
pub fn visible_to(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<SavedView>> {
    saved_views::table
        .filter(
            saved_views::user_id
                .eq(user_id)
                .or(saved_views::shared.eq(true)),
        )
        .order((saved_views::name, saved_views::id))
        .select(SavedView::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SavedView>> {
    saved_views::table
        .find(id)
        .select(SavedView::as_select())
        .first(conn)
        .optional()
}

pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    name: &str,
    query: &str,
    shared: bool,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(saved_views::table)
        .values((
            saved_views::user_id.eq(user_id),
            saved_views::name.eq(name),
            saved_views::query.eq(query),
            saved_views::shared.eq(shared),
            saved_views::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn rename(conn: &mut DbConnection, id: i64, name: &str) -> QueryResult<()> {
    diesel::update(saved_views::table.find(id))
        .set(saved_views::name.eq(name))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(saved_views::table.find(id)).execute(conn)?;
    Ok(())
}
