//! The dashboard's money figures: what is offered and waiting for buyers,
//! what was won this month, how deep the discounts go by rep and by report,
//! how long approvals take, and how many leads were lost over price.

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{lead_events, leads, offers, reports};
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_status::LeadStatus;
use crate::domain::offer::OfferState;
use crate::domain::pricing::speaks_of_price;

/// Per currency: (currency, total in minor units, offers).
pub type Totals = Vec<(String, i64, i64)>;

pub struct OfferFigures {
    /// Offers sent, still valid, and not yet accepted or withdrawn.
    pub pipeline: Totals,
    /// Offers accepted since the start of the month.
    pub won_this_month: Totals,
    /// (rep's user id, average discount %, offers) over offers sent or accepted.
    pub discount_by_rep: Vec<(i64, f64, i64)>,
    /// (report title, average discount %, offers), the same offers.
    pub discount_by_report: Vec<(String, f64, i64)>,
    /// Median seconds from proposal to an admin's decision, and decisions.
    pub approval_median: Option<(i64, i64)>,
    /// Leads marked lost since `since` whose reason speaks of money.
    pub lost_for_price: i64,
}

fn add(totals: &mut BTreeMap<String, (i64, i64)>, currency: &str, minor: i64) {
    let entry = totals.entry(currency.to_owned()).or_default();
    entry.0 += minor;
    entry.1 += 1;
}

fn listed(totals: BTreeMap<String, (i64, i64)>) -> Totals {
    totals
        .into_iter()
        .map(|(c, (sum, n))| (c, sum, n))
        .collect()
}

fn averages<K: Ord>(groups: BTreeMap<K, (f64, i64)>) -> Vec<(K, f64, i64)> {
    groups
        .into_iter()
        .map(|(key, (sum, n))| (key, sum / n as f64, n))
        .collect()
}

/// Offers are few beside leads (one per negotiated deal): read once, and
/// counted here.
pub fn load(
    conn: &mut DbConnection,
    month_start: i64,
    since: i64,
    now: i64,
) -> QueryResult<OfferFigures> {
    type Row = (
        String,
        i64,
        f64,
        OfferState,
        i64,
        i64,
        i64,
        Option<i64>,
        i64,
        String,
    );
    let rows: Vec<Row> = offers::table
        .inner_join(leads::table.inner_join(reports::table))
        .select((
            offers::currency,
            offers::price_minor,
            offers::discount_percent,
            offers::state,
            offers::proposed_by,
            offers::created_at,
            offers::updated_at,
            offers::decided_at,
            offers::valid_until,
            reports::title,
        ))
        .load(conn)?;
    let (mut pipeline, mut won) = (BTreeMap::new(), BTreeMap::new());
    let (mut by_rep, mut by_report) = (BTreeMap::new(), BTreeMap::new());
    let mut waits = Vec::new();
    for (currency, price, discount, state, rep, created, updated, decided, until, title) in rows {
        match state {
            // Past its date it is expired, whether or not anyone looked.
            OfferState::Sent if until >= now => add(&mut pipeline, &currency, price),
            OfferState::Accepted if updated >= month_start => add(&mut won, &currency, price),
            _ => {}
        }
        if matches!(state, OfferState::Sent | OfferState::Accepted) {
            let rep_entry: &mut (f64, i64) = by_rep.entry(rep).or_default();
            *rep_entry = (rep_entry.0 + discount, rep_entry.1 + 1);
            let report_entry: &mut (f64, i64) = by_report.entry(title).or_default();
            *report_entry = (report_entry.0 + discount, report_entry.1 + 1);
        }
        if let Some(decided) = decided {
            waits.push(decided - created);
        }
    }
    waits.sort_unstable();
    let approval_median = (!waits.is_empty()).then(|| (waits[waits.len() / 2], waits.len() as i64));
    let marked_lost = LeadEvent::StatusChanged {
        from: LeadStatus::New,
        to: LeadStatus::Lost,
        reason: None,
    };
    let lost: Vec<String> = lead_events::table
        .filter(lead_events::kind.eq(marked_lost.kind()))
        .filter(lead_events::created_at.ge(since))
        .filter(lead_events::detail.like(format!("%\"to\":\"{}\"%", LeadStatus::Lost.as_db())))
        .select(lead_events::detail)
        .load(conn)?;
    let lost_for_price = lost.iter().filter(|d| speaks_of_price(d)).count() as i64;
    Ok(OfferFigures {
        pipeline: listed(pipeline),
        won_this_month: listed(won),
        discount_by_rep: averages(by_rep),
        discount_by_report: averages(by_report),
        approval_median,
        lost_for_price,
    })
}
