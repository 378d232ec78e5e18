//! The reports shown beside a report: those of its industry first, then
//! those sharing most of its segment entries ("Oncology", "Hospitals &
//! Clinics"), the most recently added first among equals.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::DbConnection;

#[derive(QueryableByName)]
struct Related {
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
}

/// Written once with PostgreSQL's `$n` parameters; SQLite reads the same
/// numbers as `?n`. Candidates come from two indexes alone — the industry's
/// `(industry, updated_at)` and `report_segments (segment, report_id)` —
/// since a report's row is mostly its document and reading thousands of
/// them is what made a first drawing slow; only the chosen few are read.
const RELATED: &str = "\
SELECT r.slug, r.title FROM ( \
    SELECT c.id, MAX(c.same) AS same, SUM(c.shared) AS shared FROM ( \
        SELECT id, 1 AS same, 0 AS shared FROM reports WHERE industry = $2 AND id <> $1 \
        UNION ALL \
        SELECT s.report_id, 0, 1 FROM report_segments s \
        WHERE s.segment IN (SELECT segment FROM report_segments WHERE report_id = $1) \
        AND s.report_id <> $1 \
    ) c GROUP BY c.id ORDER BY same DESC, shared DESC, c.id DESC LIMIT $3 \
) top JOIN reports r ON r.id = top.id \
ORDER BY top.same DESC, top.shared DESC, top.id DESC";

/// (slug, title) of up to `limit` reports related to report `id`.
pub fn related(
    conn: &mut DbConnection,
    id: i64,
    industry: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    let rows: Vec<Related> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(RELATED)
            .bind::<BigInt, _>(id)
            .bind::<Nullable<Text>, _>(industry)
            .bind::<BigInt, _>(limit)
            .load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(RELATED.replace('$', "?"))
            .bind::<BigInt, _>(id)
            .bind::<Nullable<Text>, _>(industry)
            .bind::<BigInt, _>(limit)
            .load(sqlite)?,
    };
    Ok(rows.into_iter().map(|row| (row.slug, row.title)).collect())
}
