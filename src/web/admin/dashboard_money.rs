//! The dashboard's money card: offers waiting for buyers, won this month,
//! discount depth by rep and by report, approval turnaround, and leads
//! lost over price.

use std::collections::HashMap;

use crate::db::queries::offer_figures::{OfferFigures, Totals};
use crate::domain::pricing::format_price;
use crate::domain::response_clock::duration;

pub struct MoneyView {
    /// "USD 35,992.00 in 10 offers", per currency.
    pub pipeline: Vec<String>,
    pub won: Vec<String>,
    /// (who or what, "12.3 %", offers)
    pub by_rep: Vec<(String, String, i64)>,
    pub by_report: Vec<(String, String, i64)>,
    pub approval: String,
    pub lost_for_price: i64,
}

fn totals(list: &Totals) -> Vec<String> {
    list.iter()
        .map(|(currency, minor, n)| {
            let offers = if *n == 1 { "offer" } else { "offers" };
            format!("{} in {n} {offers}", format_price(*minor, currency))
        })
        .collect()
}

/// The first second of the month `now` falls in (UTC).
pub fn month_start(now: i64) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(now)
        .ok()
        .and_then(|t| t.replace_day(1).ok())
        .map(|t| t.replace_time(time::Time::MIDNIGHT).unix_timestamp())
        .unwrap_or(now)
}

pub fn money_view(figures: OfferFigures, names: &HashMap<i64, String>) -> MoneyView {
    MoneyView {
        pipeline: totals(&figures.pipeline),
        won: totals(&figures.won_this_month),
        by_rep: figures
            .discount_by_rep
            .into_iter()
            .map(|(id, avg, n)| {
                let name = names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("user {id}"));
                (name, format!("{avg:.1} %"), n)
            })
            .collect(),
        by_report: figures
            .discount_by_report
            .into_iter()
            .map(|(title, avg, n)| (title, format!("{avg:.1} %"), n))
            .collect(),
        approval: figures.approval_median.map_or_else(
            || "no decisions yet".to_owned(),
            |(median, n)| format!("{} (median of {n})", duration(median)),
        ),
        lost_for_price: figures.lost_for_price,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_starts_at_midnight_on_the_first() {
        // 2026-11-27 09:00 UTC → 2026-11-01 00:00 UTC.
        assert_eq!(month_start(1_795_770_000), 1_793_491_200);
    }
}
