//! The yearly market-size series behind the forecast chart.
//!
//! A report states only the first and last year's value. The years between are
//! filled on the constant-growth curve through those two points (geometric
//! interpolation), which is what a stated CAGR implies, and are flagged as
//! estimates so the page never presents them as published figures.

use super::report::MarketFigures;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastPoint {
    pub year: i32,
    pub value: f64,
    /// True for the years the report itself states.
    pub stated: bool,
}

/// The compound annual growth rate, in percent, that the two stated values
/// imply.
pub fn implied_cagr(market: &MarketFigures) -> f64 {
    let span = f64::from(market.end_year - market.start_year);
    ((market.end_value / market.start_value).powf(1.0 / span) - 1.0) * 100.0
}

/// Stated and implied CAGR may differ by rounding; past this (in percentage
/// points) the page says so.
pub const CAGR_TOLERANCE: f64 = 0.1;

/// The implied CAGR, when the stated one is more than the tolerance off it.
pub fn cagr_mismatch(market: &MarketFigures) -> Option<f64> {
    let implied = implied_cagr(market);
    ((implied - market.cagr_percent).abs() > CAGR_TOLERANCE).then_some(implied)
}

pub fn yearly_series(market: &MarketFigures) -> Vec<ForecastPoint> {
    let span = f64::from(market.end_year - market.start_year);
    let growth = market.end_value / market.start_value;
    (market.start_year..=market.end_year)
        .map(|year| {
            let stated = year == market.start_year || year == market.end_year;
            let value = if year == market.start_year {
                market.start_value
            } else if year == market.end_year {
                market.end_value
            } else {
                let t = f64::from(year - market.start_year) / span;
                market.start_value * growth.powf(t)
            };
            ForecastPoint {
                year,
                value,
                stated,
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The bundled report's figures, for tests of what is drawn from them.
    pub(crate) fn market() -> MarketFigures {
        MarketFigures {
            currency: "USD".into(),
            unit: "billion".into(),
            start_year: 2025,
            start_value: 6.12,
            end_year: 2035,
            end_value: 24.87,
            cagr_percent: 14.85,
        }
    }

    #[test]
    fn the_series_has_one_point_per_year_with_exact_endpoints() {
        let series = yearly_series(&market());
        assert_eq!(series.len(), 11);
        assert_eq!(series[0].value, 6.12);
        assert_eq!(series[10].value, 24.87);
        assert!(series[0].stated && series[10].stated);
        assert!(series[1..10].iter().all(|p| !p.stated));
    }

    #[test]
    fn the_years_between_grow_by_a_constant_factor() {
        let series = yearly_series(&market());
        let ratio = series[1].value / series[0].value;
        for pair in series.windows(2) {
            assert!((pair[1].value / pair[0].value - ratio).abs() < 1e-9);
        }
        // 2030 sits at the geometric mean of the two stated values.
        assert!((series[5].value - (6.12f64 * 24.87).sqrt()).abs() < 1e-9);
    }
}
