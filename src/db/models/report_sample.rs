//! `report_samples`: every version of each report's sample PDF, by content
//! hash. The only writer of the table.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::report_samples;

/// One stored version.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_samples)]
pub struct ReportSample {
    pub id: i64,
    pub report_id: i64,
    pub sha256: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub created_at: i64,
}

/// The newest version of a report's sample, if it has one.
pub fn current(conn: &mut DbConnection, report_id: i64) -> QueryResult<Option<ReportSample>> {
    report_samples::table
        .filter(report_samples::report_id.eq(report_id))
        .order(report_samples::id.desc())
        .select(ReportSample::as_select())
        .first(conn)
        .optional()
}

/// A version by id (the one a link names).
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ReportSample>> {
    report_samples::table
        .find(id)
        .select(ReportSample::as_select())
        .first(conn)
        .optional()
}

/// Stores `bytes` as the report's newest sample unless that exact file is its
/// newest already; answers the current version.
pub fn store(
    conn: &mut DbConnection,
    report_id: i64,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> QueryResult<ReportSample> {
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
