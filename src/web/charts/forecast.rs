//! The forecast bar chart as inline SVG geometry: one bar per year, stated years
//! and interpolated years styled apart, with an accessible title and description.

use crate::domain::forecast::{ForecastPoint, yearly_series};
use crate::domain::report::MarketFigures;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 36.0;
/// Share of each year's slot that its bar fills; the rest is the gap.
const BAR_FILL: f64 = 0.66;

#[derive(Debug, Clone)]
pub struct ForecastChart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub description: String,
    pub bars: Vec<Bar>,
    pub gridlines: Vec<Gridline>,
    pub baseline_y: f64,
    pub plot_left: f64,
    pub plot_right: f64,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub year: i32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub center_x: f64,
    pub value_label: String,
    pub label_y: f64,
    pub stated: bool,
    /// Read by screen readers and shown as a tooltip.
    pub tooltip: String,
}

#[derive(Debug, Clone)]
pub struct Gridline {
    pub y: f64,
    pub label: String,
}

impl ForecastChart {
    pub fn new(market: &MarketFigures) -> Self {
        let series = yearly_series(market);
        let step = nice_step(market.end_value.max(market.start_value) / 5.0);
        let top_value = (series_max(&series) / step).ceil() * step;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let plot_width = WIDTH - LEFT - RIGHT;
        let slot = plot_width / series.len() as f64;
        let scale = |value: f64| plot_height * value / top_value;
        let unit = format!("{} {}", market.currency, market.unit);

        let bars = series
            .iter()
            .enumerate()
            .map(|(i, point)| {
                let height = scale(point.value);
                let width = slot * BAR_FILL;
                let x = LEFT + slot * i as f64 + (slot - width) / 2.0;
                let y = TOP + plot_height - height;
                let kind = if point.stated {
                    "stated in the report"
                } else {
                    "interpolated"
                };
                Bar {
                    year: point.year,
                    x: round1(x),
                    y: round1(y),
                    width: round1(width),
                    height: round1(height),
                    center_x: round1(x + width / 2.0),
                    value_label: format!("{:.2}", point.value),
                    label_y: round1(y - 6.0),
                    stated: point.stated,
                    tooltip: format!(
                        "{}: {} {:.2} {} ({kind})",
                        point.year, market.currency, point.value, market.unit
                    ),
                }
            })
            .collect();

        let gridlines = (0..)
            .map(|i| f64::from(i) * step)
            .take_while(|v| *v <= top_value + step / 2.0)
            .map(|v| Gridline {
                y: round1(TOP + plot_height - scale(v)),
                label: format_tick(v, step),
            })
            .collect();

        Self {
            width: WIDTH,
            height: HEIGHT,
            title: format!(
                "Market size forecast, {}–{} ({unit})",
                market.start_year, market.end_year
            ),
            description: format!(
                "Bar chart of the market size for each year from {start} to {end}. \
                 {start}: {cur} {sv:.2} {u} and {end}: {cur} {ev:.2} {u} are stated in the report; \
                 the years between are interpolated at constant growth and are estimates.",
                start = market.start_year,
                end = market.end_year,
                cur = market.currency,
                u = market.unit,
                sv = market.start_value,
                ev = market.end_value,
            ),
            bars,
            gridlines,
            baseline_y: TOP + plot_height,
            plot_left: LEFT,
            plot_right: WIDTH - RIGHT,
        }
    }
}

fn series_max(series: &[ForecastPoint]) -> f64 {
    series.iter().map(|p| p.value).fold(0.0, f64::max)
}

/// The nearest 1, 2 or 5 × 10ⁿ at or above `raw`, for round gridline values.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

fn format_tick(value: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forecast::tests::market;

    #[test]
    fn bars_grow_left_to_right_and_stay_inside_the_plot() {
        let chart = ForecastChart::new(&market());
        assert_eq!(chart.bars.len(), 11);
        for pair in chart.bars.windows(2) {
            assert!(pair[1].height > pair[0].height);
            assert!(pair[1].x > pair[0].x);
        }
        for bar in &chart.bars {
            assert!(
                bar.y >= TOP - 0.1 && bar.x >= LEFT && bar.x + bar.width <= WIDTH - RIGHT + 0.1
            );
        }
    }

    #[test]
    fn gridlines_use_round_steps_and_cover_the_largest_bar() {
        let chart = ForecastChart::new(&market());
        let labels: Vec<_> = chart.gridlines.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10", "15", "20", "25"]);
    }

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(4.97), 5.0);
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(120.0), 200.0);
    }
}
