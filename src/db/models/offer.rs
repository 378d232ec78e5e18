//! `offers`: prices offered on leads and where each stands (see
//! `domain::offer`). The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::inserted::last_insert_id;
use crate::db::schema::offers;
use crate::domain::offer::OfferState;
use crate::domain::pricing::format_price;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct Offer {
    pub id: i64,
    pub lead_id: i64,
    pub licence: String,
    pub currency: String,
    pub list_price_minor: i64,
    pub price_minor: i64,
    pub discount_percent: f64,
    pub valid_until: i64,
    pub state: OfferState,
    pub proposed_by: i64,
    pub decided_by: Option<i64>,
    pub decision_note: Option<String>,
    /// When an admin approved or declined it.
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Offer {
    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        offers::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// A lead's offers, newest first.
    pub fn of_lead(conn: &mut DbConnection, lead_id: i64) -> QueryResult<Vec<Self>> {
        offers::table
            .filter(offers::lead_id.eq(lead_id))
            .order(offers::id.desc())
            .select(Self::as_select())
            .load(conn)
    }

    /// "USD 5,500.00 (15.4 % off USD 6,499.00)".
    pub fn price_text(&self) -> String {
        format!(
            "{} ({:.1} % off {})",
            format_price(self.price_minor, &self.currency),
            self.discount_percent,
            format_price(self.list_price_minor, &self.currency)
        )
    }
}

pub struct NewOffer<'a> {
    pub lead_id: i64,
    pub licence: &'a str,
    pub currency: &'a str,
    pub list_price_minor: i64,
    pub price_minor: i64,
    pub discount_percent: f64,
    pub valid_until: i64,
    pub state: OfferState,
    pub proposed_by: i64,
}

impl NewOffer<'_> {
    pub fn insert(&self, conn: &mut DbConnection, now: i64) -> QueryResult<i64> {
        diesel::insert_into(offers::table)
            .values((
                offers::lead_id.eq(self.lead_id),
                offers::licence.eq(self.licence),
                offers::currency.eq(self.currency),
                offers::list_price_minor.eq(self.list_price_minor),
                offers::price_minor.eq(self.price_minor),
                offers::discount_percent.eq(self.discount_percent),
                offers::valid_until.eq(self.valid_until),
                offers::state.eq(self.state),
                offers::proposed_by.eq(self.proposed_by),
                offers::created_at.eq(now),
                offers::updated_at.eq(now),
            ))
            .execute(conn)?;
        last_insert_id(conn)
    }
}

/// A decision's maker and words, kept with the offer.
pub struct Decision<'a> {
    pub by: i64,
    pub note: Option<&'a str>,
}

/// Moves an offer from `from` to `to` if it is still in `from`: of two
/// people (or a buyer's two clicks) acting at once, one moves it.
pub fn move_state(
    conn: &mut DbConnection,
    id: i64,
    from: OfferState,
    to: OfferState,
    decision: Option<Decision<'_>>,
    now: i64,
) -> QueryResult<bool> {
    let target = offers::table.find(id).filter(offers::state.eq(from));
    let moved = match decision {
        Some(decision) => diesel::update(target)
            .set((
                offers::state.eq(to),
                offers::decided_by.eq(decision.by),
                offers::decision_note.eq(decision.note),
                offers::decided_at.eq(now),
                offers::updated_at.eq(now),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((offers::state.eq(to), offers::updated_at.eq(now)))
            .execute(conn)?,
    };
    Ok(moved > 0)
}
