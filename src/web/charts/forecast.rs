//! The forecast bar chart as inline SVG geometry: one bar per year, stated years
//! and interpolated years styled apart, with an accessible title and description.

use crate::domain::forecast::{ForecastPoint, yearly_series};
use crate::domain::report::MarketFigures;

/// Share of each year's slot that its bar fills; the rest is the gap.
const BAR_FILL: f64 = 0.66;

/// One drawing of the chart. The page carries a wide one and a narrow one
/// and CSS shows the one that fits, so the text is never scaled below a
/// readable size and a phone gets fewer labels, without script.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// `wide` or `narrow`: the CSS class and the ids' suffix.
    pub name: &'static str,
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// Every how many years a year is labelled (the first and last always).
    year_every: usize,
    /// Label every bar's value, or only the stated ones.
    every_value: bool,
}

/// For screens from 40rem: shown at 640–720 px, its 14-unit text is 12.4 px or more.
pub const WIDE: Layout = Layout {
    name: "wide",
    width: 720.0,
    height: 360.0,
    left: 52.0,
    right: 12.0,
    top: 36.0,
    bottom: 36.0,
    year_every: 1,
    every_value: true,
};

/// For phones: shown at 300–640 px, its 13-unit text is about 12 px or more.
pub const NARROW: Layout = Layout {
    name: "narrow",
    width: 340.0,
    height: 300.0,
    left: 40.0,
    right: 8.0,
    top: 36.0,
    bottom: 30.0,
    year_every: 2,
    every_value: false,
};

/// For the share image (1200×630 PNG): drawn at its size, 20-unit text.
pub const SHARE: Layout = Layout {
    name: "share",
    width: 1072.0,
    height: 250.0,
    left: 56.0,
    right: 8.0,
    top: 34.0,
    bottom: 34.0,
    year_every: 1,
    every_value: false,
};

#[derive(Debug, Clone)]
pub struct ForecastChart {
    pub name: &'static str,
    /// "USD billion": what the values are in, written above the axis.
    pub unit: String,
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
    /// Labels this layout has room for.
    pub show_year: bool,
    pub show_value: bool,
    /// Read by screen readers and shown as a tooltip.
    pub tooltip: String,
}

#[derive(Debug, Clone)]
pub struct Gridline {
    pub y: f64,
    pub label: String,
}

impl ForecastChart {
    pub fn new(market: &MarketFigures, layout: Layout) -> Self {
        let Layout {
            width: w,
            height: h,
            left,
            right,
            top,
            bottom,
            ..
        } = layout;
        let series = yearly_series(market);
        let step = nice_step(market.end_value.max(market.start_value) / 5.0);
        let top_value = (series_max(&series) / step).ceil() * step;
        let plot_height = h - top - bottom;
        let plot_width = w - left - right;
        let last = series.len().saturating_sub(1);
        let slot = plot_width / series.len() as f64;
        let scale = |value: f64| plot_height * value / top_value;
        let unit = format!("{} {}", market.currency, market.unit);

        let bars = series
            .iter()
            .enumerate()
            .map(|(i, point)| {
                let height = scale(point.value);
                let width = slot * BAR_FILL;
                let x = left + slot * i as f64 + (slot - width) / 2.0;
                let y = top + plot_height - height;
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
                    show_year: i % layout.year_every == 0 || i == last,
                    show_value: layout.every_value || point.stated,
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
                y: round1(top + plot_height - scale(v)),
                label: format_tick(v, step),
            })
            .collect();

        Self {
            name: layout.name,
            unit: unit.clone(),
            width: w,
            height: h,
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
            baseline_y: top + plot_height,
            plot_left: left,
            plot_right: w - right,
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
        let chart = ForecastChart::new(&market(), WIDE);
        assert_eq!(chart.bars.len(), 11);
        for pair in chart.bars.windows(2) {
            assert!(pair[1].height > pair[0].height);
            assert!(pair[1].x > pair[0].x);
        }
        for bar in &chart.bars {
            assert!(
                bar.y >= WIDE.top - 0.1
                    && bar.x >= WIDE.left
                    && bar.x + bar.width <= WIDE.width - WIDE.right + 0.1
            );
        }
    }

    #[test]
    fn the_narrow_drawing_labels_every_other_year_and_only_the_stated_values() {
        let chart = ForecastChart::new(&market(), NARROW);
        let years: Vec<i32> = chart
            .bars
            .iter()
            .filter(|b| b.show_year)
            .map(|b| b.year)
            .collect();
        assert_eq!(years, [2025, 2027, 2029, 2031, 2033, 2035]);
        let values = chart.bars.iter().filter(|b| b.show_value).count();
        assert_eq!(values, 2);
        assert_eq!(chart.unit, "USD billion");
    }

    #[test]
    fn gridlines_use_round_steps_and_cover_the_largest_bar() {
        let chart = ForecastChart::new(&market(), WIDE);
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
