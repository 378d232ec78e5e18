//! The reports shown beside a report: those of its industry first, then
//! those sharing most of its segment entries ("Oncology", "Hospitals &
//! Clinics"), newest first among equals.

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
/// numbers as `?n`.
const RELATED: &str = "\
SELECT r.slug, r.title FROM reports r \
LEFT JOIN ( \
    SELECT s.report_id, COUNT(*) AS shared FROM report_segments s \
    WHERE s.segment IN (SELECT segment FROM report_segments WHERE report_id = $1) \
    AND s.report_id <> $1 GROUP BY s.report_id \
) m ON m.report_id = r.id \
WHERE r.id <> $1 AND (m.shared IS NOT NULL OR r.industry = $2) \
ORDER BY CASE WHEN r.industry = $2 THEN 1 ELSE 0 END DESC, \
    COALESCE(m.shared, 0) DESC, r.updated_at DESC, r.id DESC \
LIMIT $3";

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
