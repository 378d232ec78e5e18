//! `lead_prices`: what a discount request asked about money. The only
//! writer of the table; written in the submission's transaction.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::lead_prices;
use crate::domain::pricing::PriceRequest;

pub fn insert(conn: &mut DbConnection, lead_id: i64, price: &PriceRequest) -> QueryResult<()> {
    diesel::insert_into(lead_prices::table)
        .values((
            lead_prices::lead_id.eq(lead_id),
            lead_prices::currency.eq(&price.currency),
            lead_prices::list_price_minor.eq(price.list_minor),
            lead_prices::asked_price_minor.eq(price.asked_minor),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Option<PriceRequest>> {
    let row: Option<(String, Option<i64>, Option<i64>)> = lead_prices::table
        .find(lead_id)
        .select((
            lead_prices::currency,
            lead_prices::list_price_minor,
            lead_prices::asked_price_minor,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(currency, list_minor, asked_minor)| PriceRequest {
        currency,
        list_minor,
        asked_minor,
    }))
}
