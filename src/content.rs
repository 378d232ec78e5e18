//! Report files: the bundled default and `report import FILE`.

use std::path::Path;

use anyhow::Context;

use crate::db::DbConnection;
use crate::db::models::report::{ImportOutcome, ReportRow, upsert_report};
use crate::domain::report::ReportDocument;

/// The first report, built into the binary so a fresh install has a page to serve.
pub const BUNDLED_REPORT: &str =
    include_str!("../content/reports/global-medical-second-opinion-market.toml");

/// Validates a report file and stores it. Nothing is written when the file is
/// refused; the error names the line or the field.
pub fn import_file(
    conn: &mut DbConnection,
    path: &Path,
) -> anyhow::Result<(String, ImportOutcome)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc = ReportDocument::parse_toml(&text)
        .with_context(|| format!("{} is not a valid report file", path.display()))?;
    let outcome = upsert_report(conn, &doc)?;
    Ok((doc.slug, outcome))
}

/// Imports the bundled report when the database has none yet.
pub fn import_bundled_if_empty(conn: &mut DbConnection) -> anyhow::Result<()> {
    if ReportRow::count(conn)? > 0 {
        return Ok(());
    }
    let doc = ReportDocument::parse_toml(BUNDLED_REPORT).context("bundled report is invalid")?;
    upsert_report(conn, &doc)?;
    tracing::info!(slug = %doc.slug, "imported the bundled report");
    Ok(())
}
