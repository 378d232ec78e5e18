//! `sample_deliveries`: each sample link mailed to a buyer, with its version,
//! expiry and downloads. The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::inserted::last_insert_id;
use crate::db::schema::sample_deliveries;

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

/// Counts one download of a link that has downloads left; answers whether it
/// was counted (a link used up between the check and now is not).
pub fn count_download(conn: &mut DbConnection, id: i64, max: i32, now: i64) -> QueryResult<bool> {
    let counted = diesel::update(
        sample_deliveries::table
            .find(id)
            .filter(sample_deliveries::downloads.lt(max)),
    )
    .set((
        sample_deliveries::downloads.eq(sample_deliveries::downloads + 1),
        sample_deliveries::first_download_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        >("COALESCE(first_download_at, ")
        .bind::<diesel::sql_types::BigInt, _>(now)
        .sql(")")),
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
