//! Queries on `reports`. The row keeps the headline figures as columns (for
//! listing and search) and the whole validated document as JSON in `content`.

use diesel::prelude::*;

use crate::db::schema::{catalogue_version, report_search, report_segments, reports};
use crate::db::{DbConnection, MultiBackend, now_unix, write_transaction};
use crate::domain::report::ReportDocument;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub updated_at: i64,
    pub content: String,
}

impl ReportRow {
    /// The stored document. It was validated on import, so a failure here means
    /// the row was edited by hand; it surfaces as an internal error, not a panic.
    pub fn document(&self) -> anyhow::Result<ReportDocument> {
        serde_json::from_str(&self.content)
            .map_err(|e| anyhow::anyhow!("report {} has unreadable content: {e}", self.slug))
    }

    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Self>> {
        by_slug(slug)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// The version of the report's page, while the report exists: the
    /// catalogue's, since the page lists related reports too (both reads
    /// are by key).
    pub fn page_version(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i64>> {
        let exists = by_slug(slug)
            .select(reports::id)
            .first::<i64>(conn)
            .optional()?
            .is_some();
        if !exists {
            return Ok(None);
        }
        Self::catalogue_version(conn)
    }

    /// How many imports the catalogue has seen (every page's version).
    pub fn catalogue_version(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
        catalogue_version::table
            .select(catalogue_version::version)
            .first(conn)
            .optional()
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        reports::table.count().get_result(conn)
    }

    /// (id, title) of every report, for pickers.
    pub fn ids_and_titles(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
        reports::table
            .select((reports::id, reports::title))
            .order(reports::title)
            .load(conn)
    }

    pub fn ids_and_slugs(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
        reports::table
            .select((reports::id, reports::slug))
            .load(conn)
    }

    /// (id, slug, title, updated_at) of every report, by id (the API's list).
    pub fn listed(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String, String, i64)>> {
        reports::table
            .select((
                reports::id,
                reports::slug,
                reports::title,
                reports::updated_at,
            ))
            .order(reports::id)
            .load(conn)
    }

    /// (slug, last change) of every report, oldest first: the sitemap.
    pub fn changes(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
        reports::table
            .select((reports::slug, reports::updated_at))
            .order(reports::id)
            .load(conn)
    }

    pub fn slugs(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
        reports::table
            .select((reports::slug, reports::title))
            .order(reports::slug)
            .load(conn)
    }
}

/// The few columns a form page needs, without the report's content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct ReportRef {
    pub id: i64,
    pub slug: String,
    pub title: String,
}

impl ReportRef {
    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        reports::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Self>> {
        by_slug(slug)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }
}

/// A report's licences and prices, read from its stored document; a
/// document that does not read (never stored that way) has none.
pub fn pricing(
    conn: &mut DbConnection,
    id: i64,
) -> QueryResult<crate::domain::pricing::ReportPricing> {
    let content: String = reports::table
        .find(id)
        .select(reports::content)
        .first(conn)?;
    Ok(serde_json::from_str(&content).unwrap_or_else(|error| {
        tracing::error!(report_id = id, %error, "a stored report's prices do not read");
        Default::default()
    }))
}

/// The report with this slug, whichever columns are wanted.
fn by_slug(slug: &str) -> reports::BoxedQuery<'_, MultiBackend> {
    reports::table.filter(reports::slug.eq(slug)).into_boxed()
}

#[derive(Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Updated,
}

/// Inserts the report, or updates the one with the same slug, in one transaction.
pub fn upsert_report(
    conn: &mut DbConnection,
    doc: &ReportDocument,
) -> anyhow::Result<ImportOutcome> {
    let content = serde_json::to_string(doc)?;
    let now = now_unix();
    write_transaction(conn, |conn| {
        let existing: Option<(i64, i64)> = reports::table
            .filter(reports::slug.eq(&doc.slug))
            .select((reports::id, reports::updated_at))
            .first(conn)
            .optional()?;
        // Every import gets a newer version stamp, even twice in one second,
        // so cached pages always notice it.
        let now = existing.map_or(now, |(_, previous)| now.max(previous + 1));
        let values = (
            reports::title.eq(&doc.title),
            reports::summary.eq(&doc.summary),
            reports::published_on.eq(&doc.published_on),
            reports::market_size_start.eq(doc.market.start_value),
            reports::market_size_end.eq(doc.market.end_value),
            reports::start_year.eq(doc.market.start_year),
            reports::end_year.eq(doc.market.end_year),
            reports::cagr_percent.eq(doc.market.cagr_percent),
            reports::currency.eq(&doc.market.currency),
            reports::content.eq(&content),
            reports::updated_at.eq(now),
            reports::industry.eq(&doc.industry),
        );
        let (id, outcome) = match existing {
            Some((id, _)) => {
                diesel::update(reports::table.find(id))
                    .set(values)
                    .execute(conn)?;
                (id, ImportOutcome::Updated)
            }
            None => {
                diesel::insert_into(reports::table)
                    .values((
                        values,
                        reports::slug.eq(&doc.slug),
                        reports::created_at.eq(now),
                    ))
                    .execute(conn)?;
                // The slug is unique and the transaction holds the write.
                let id = by_slug(&doc.slug).select(reports::id).first(conn)?;
                (id, ImportOutcome::Created)
            }
        };
        write_segments(conn, id, &doc.segment_keys())?;
        diesel::delete(report_search::table.find(id)).execute(conn)?;
        diesel::insert_into(report_search::table)
            .values((
                report_search::report_id.eq(id),
                report_search::words.eq(doc.search_text()),
            ))
            .execute(conn)?;
        diesel::update(catalogue_version::table)
            .set(catalogue_version::version.eq(catalogue_version::version + 1))
            .execute(conn)?;
        Ok(outcome)
    })
}

/// The report's segment entries, replaced with the document's (the import is
/// the only writer of `report_segments`, `report_search` and
/// `catalogue_version`).
fn write_segments(conn: &mut DbConnection, report_id: i64, keys: &[String]) -> QueryResult<()> {
    diesel::delete(report_segments::table.filter(report_segments::report_id.eq(report_id)))
        .execute(conn)?;
    // One statement per entry: a report has a handful, and batch inserts
    // do not build for both backends at once.
    for key in keys {
        diesel::insert_into(report_segments::table)
            .values((
                report_segments::report_id.eq(report_id),
                report_segments::segment.eq(key),
            ))
            .execute(conn)?;
    }
    Ok(())
}
