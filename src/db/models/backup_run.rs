//! `backups`: which copies were taken and when (the metrics' last-backup
//! age), and which day's scheduled run an instance claimed. The only writer
//! of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::backups;

/// Claims `day`'s scheduled backup; `false` when another instance has.
pub fn claim_day(conn: &mut DbConnection, day: &str, now: i64) -> QueryResult<bool> {
    // Outside any transaction: the unique day decides, on both backends.
    let inserted = diesel::insert_into(backups::table)
        .values((
            backups::day.eq(day),
            backups::file.eq(""),
            backups::taken_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The claimed run failed: the day is free again for the next try.
pub fn release_day(conn: &mut DbConnection, day: &str) -> QueryResult<()> {
    diesel::delete(
        backups::table
            .filter(backups::day.eq(day))
            .filter(backups::file.eq("")),
    )
    .execute(conn)?;
    Ok(())
}

/// A copy was written: by a day's run (`day`) or the command.
pub fn record(conn: &mut DbConnection, day: Option<&str>, file: &str, now: i64) -> QueryResult<()> {
    match day {
        Some(day) => diesel::update(backups::table.filter(backups::day.eq(day)))
            .set((backups::file.eq(file), backups::taken_at.eq(now)))
            .execute(conn)?,
        None => diesel::insert_into(backups::table)
            .values((backups::file.eq(file), backups::taken_at.eq(now)))
            .execute(conn)?,
    };
    Ok(())
}

/// When the newest finished copy was taken.
pub fn last_taken_at(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    backups::table
        .filter(backups::file.ne(""))
        .select(diesel::dsl::max(backups::taken_at))
        .first(conn)
}
