//! `report_samples`: every version of each report's sample PDF, by content
//! hash. The only writer of the table.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::{report_samples, reports};

/// A version without its bytes: what links and the desk name it by.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_samples)]
pub struct SampleVersion {
    pub id: i64,
    pub sha256: String,
}

impl SampleVersion {
    /// The first 12 hex digits of the file's SHA-256, as the desk shows it.
    pub fn short(&self) -> String {
        self.sha256.chars().take(12).collect()
    }
}

/// The newest version of a report's sample, if it has one (its bytes stay in
/// the database: a link only needs its id).
pub fn current(conn: &mut DbConnection, report_id: i64) -> QueryResult<Option<SampleVersion>> {
    report_samples::table
        .filter(report_samples::report_id.eq(report_id))
        .order(report_samples::id.desc())
        .select(SampleVersion::as_select())
        .first(conn)
        .optional()
}

/// A version's id and hash by id, without its bytes.
pub fn version(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SampleVersion>> {
    report_samples::table
        .find(id)
        .select(SampleVersion::as_select())
        .first(conn)
        .optional()
}

/// A version's file as a buyer receives it.
pub struct SampleFile {
    /// The report's slug, which names the download (`<slug>-sample.pdf`).
    pub report_slug: String,
    pub bytes: Vec<u8>,
}

/// A version's file, by id (the one a link names). A report's slug never
/// changes (import finds reports by it), so neither does this.
pub fn file(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SampleFile>> {
    report_samples::table
        .inner_join(reports::table)
        .filter(report_samples::id.eq(id))
        .select((reports::slug, report_samples::bytes))
        .first::<(String, Vec<u8>)>(conn)
        .optional()
        .map(|found| found.map(|(report_slug, bytes)| SampleFile { report_slug, bytes }))
}

/// Stores `bytes` as the report's newest sample unless that exact file is its
/// newest already; answers the current version.
pub fn store(
    conn: &mut DbConnection,
    report_id: i64,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> QueryResult<SampleVersion> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    if let Some(newest) = current(conn, report_id)?
        && newest.sha256 == sha256
    {
        return Ok(newest);
    }
    diesel::insert_into(report_samples::table)
        .values((
            report_samples::report_id.eq(report_id),
            report_samples::sha256.eq(&sha256),
            report_samples::file_name.eq(file_name),
            report_samples::size.eq(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            report_samples::bytes.eq(bytes),
            report_samples::created_at.eq(now),
        ))
        .execute(conn)?;
    current(conn, report_id)?.ok_or(diesel::result::Error::NotFound)
}
