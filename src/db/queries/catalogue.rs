//! The catalogue's reads: a page of reports matching every word typed (in
//! the title or the summary) within an industry, and the industries with
//! their report counts.

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::db::DbConnection;
use crate::db::like::contains_pattern;
use crate::db::schema::reports;

/// Words looked for, at most: more narrow nothing a person would notice.
pub const MAX_WORDS: usize = 8;

/// What the catalogue was asked for.
pub struct CatalogueQuery<'a> {
    pub words: &'a [String],
    /// An industry's name, exactly as stored.
    pub industry: Option<&'a str>,
    /// From 0.
    pub page: i64,
    pub per_page: i64,
}

/// A report as the catalogue lists it (not its whole document).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct Listed {
    pub slug: String,
    pub title: String,
    pub summary: String,
}

/// One page of matching reports, newest first, and how many match in all.
/// Only the listed columns are read: sorting whole documents was most of
/// a page's time at 10,000 reports.
pub fn search(conn: &mut DbConnection, q: &CatalogueQuery<'_>) -> QueryResult<(Vec<Listed>, i64)> {
    let filtered = || {
        let mut select = reports::table.into_boxed();
        // Each word in the report's one lower-cased text (the narrow
        // `report_search`, not the wide rows of `reports`). EXISTS, not IN:
        // the list then walks its own index and looks each report up by
        // key, where IN made SQLite read every matching report's row.
        for word in q.words.iter().take(MAX_WORDS) {
            select = select.filter(
                sql::<Bool>(
                    "EXISTS (SELECT 1 FROM report_search \
                     WHERE report_search.report_id = reports.id AND words LIKE ",
                )
                .bind::<Text, _>(contains_pattern(&word.to_lowercase()))
                .sql(" ESCAPE '\\')"),
            );
        }
        if let Some(industry) = q.industry {
            select = select.filter(reports::industry.eq(industry.to_owned()));
        }
        select
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(Listed::as_select())
        .order((reports::updated_at.desc(), reports::id.desc()))
        .limit(q.per_page)
        .offset(q.page * q.per_page)
        .load(conn)?;
    Ok((rows, total))
}

/// (industry, reports) of every industry, by name.
pub fn industries(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(Option<String>, i64)> = reports::table
        .filter(reports::industry.is_not_null())
        .group_by(reports::industry)
        .select((reports::industry, count_star()))
        .order(reports::industry)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, n)| name.map(|name| (name, n)))
        .collect())
}
