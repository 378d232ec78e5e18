//! `sample_deliveries`: each sample link mailed to a buyer, with its version,
//! expiry and downloads. The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::inserted::last_insert_id;
use crate::db::schema::{contacts, leads, sample_deliveries};

diesel::define_sql_function! {
    /// SQL `COALESCE(x, y)`, as a typed function rather than an SQL literal.
    fn coalesce(
        x: diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        y: diesel::sql_types::BigInt,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::BigInt>;
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sample_deliveries)]
pub struct SampleDelivery {
    pub id: i64,
    pub lead_id: i64,
    pub sample_id: i64,
    pub sent_at: i64,
    pub expires_at: i64,
    pub downloads: i32,
    pub first_download_at: Option<i64>,
    pub last_download_at: Option<i64>,
}

/// Records a new link; answers its id (the token names it).
pub fn create(
    conn: &mut DbConnection,
    lead_id: i64,
    sample_id: i64,
    now: i64,
    expires_at: i64,
) -> QueryResult<i64> {
    diesel::insert_into(sample_deliveries::table)
        .values((
            sample_deliveries::lead_id.eq(lead_id),
            sample_deliveries::sample_id.eq(sample_id),
            sample_deliveries::sent_at.eq(now),
            sample_deliveries::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SampleDelivery>> {
    sample_deliveries::table
        .find(id)
        .select(SampleDelivery::as_select())
        .first(conn)
        .optional()
}

/// The lead's links, oldest first.
pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<SampleDelivery>> {
    sample_deliveries::table
        .filter(sample_deliveries::lead_id.eq(lead_id))
        .order(sample_deliveries::id)
        .select(SampleDelivery::as_select())
        .load(conn)
}

/// Counts one download of a link that is still open: not expired at `now`,
/// fewer than `max` downloads, and its lead's buyer not erased. Answers whether
/// it was counted. The count checks downloads and expiry in the statement that
/// counts, so a link used up meanwhile is not counted, on any instance.
pub fn count_download(
    conn: &mut DbConnection,
    link: &SampleDelivery,
    max: i32,
    now: i64,
) -> QueryResult<bool> {
    // A read of its own: diesel prepares every UPDATE afresh (a changeset's
    // SQL may vary), and SQLite's preparing of a join inside one cost more
    // than the rest of a download. This SELECT stays prepared.
    let buyer_kept: bool = diesel::select(diesel::dsl::exists(
        leads::table
            .inner_join(contacts::table)
            .filter(leads::id.eq(link.lead_id))
            .filter(contacts::erased_at.is_null())
            .select(leads::id),
    ))
    .get_result(conn)?;
    if !buyer_kept {
        return Ok(false);
    }
    let counted = diesel::update(
        sample_deliveries::table
            .find(link.id)
            .filter(sample_deliveries::downloads.lt(max))
            .filter(sample_deliveries::expires_at.ge(now)),
    )
    .set((
        sample_deliveries::downloads.eq(sample_deliveries::downloads + 1),
        sample_deliveries::first_download_at
            .eq(coalesce(sample_deliveries::first_download_at, now)),
        sample_deliveries::last_download_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Whether any link of the lead was downloaded before (the first download
/// tells the owner; later ones do not).
pub fn lead_was_downloaded(conn: &mut DbConnection, lead_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sample_deliveries::table
            .filter(sample_deliveries::lead_id.eq(lead_id))
            .filter(sample_deliveries::first_download_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Links made for a lead since `since` (fresh links are limited per day).
pub fn sent_since(conn: &mut DbConnection, lead_id: i64, since: i64) -> QueryResult<i64> {
    sample_deliveries::table
        .filter(sample_deliveries::lead_id.eq(lead_id))
        .filter(sample_deliveries::sent_at.ge(since))
        .count()
        .get_result(conn)
}

/// The sample stage of each of these leads that has a link: (has a link,
/// downloaded); leads without a link are absent.
pub fn link_states(
    conn: &mut DbConnection,
    lead_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, bool>> {
    let rows: Vec<(i64, Option<i64>)> = sample_deliveries::table
        .filter(sample_deliveries::lead_id.eq_any(lead_ids))
        .select((
            sample_deliveries::lead_id,
            sample_deliveries::first_download_at,
        ))
        .load(conn)?;
    let mut states = std::collections::HashMap::new();
    for (lead_id, first_download) in rows {
        let downloaded = states.entry(lead_id).or_insert(false);
        *downloaded |= first_download.is_some();
    }
    Ok(states)
}

/// Removes the links of leads being deleted.
pub fn delete_of_leads(conn: &mut DbConnection, lead_ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(sample_deliveries::table.filter(sample_deliveries::lead_id.eq_any(lead_ids)))
        .execute(conn)
}
