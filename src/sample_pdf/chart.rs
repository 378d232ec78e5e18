//! The forecast chart as vector drawing: a bar per year, the stated years
//! solid and labelled with their value, the years between lighter (they are
//! interpolated, as the report page says too).

use super::layout::{ACCENT, COLUMN, Face, INK, MARGIN, MUTED, Writer, draw_text};
use crate::domain::forecast::yearly_series;
use crate::domain::report::MarketFigures;

const HEIGHT: f32 = 220.0;
/// Room under the bars for the year labels, above them for value labels.
const AXIS_ROOM: f32 = 18.0;
const LABEL_ROOM: f32 = 16.0;

pub fn forecast_chart(writer: &mut Writer<'_>, market: &MarketFigures) {
    let series = yearly_series(market);
    let top = writer.reserve(HEIGHT + 24.0);
    let baseline = top - HEIGHT + AXIS_ROOM;
    let plot_height = HEIGHT - AXIS_ROOM - LABEL_ROOM;
    let max = series.iter().map(|p| p.value).fold(0.0_f64, f64::max);
    let slot = COLUMN / series.len().max(1) as f32;
    let bar = slot * 0.62;
    let value_labels: Vec<(f32, f32, String)> = series
        .iter()
        .enumerate()
        .filter(|(_, p)| p.stated)
        .map(|(i, p)| {
            let height = (p.value / max) as f32 * plot_height;
            let x = MARGIN + slot * i as f32 + (slot - bar) / 2.0;
            (x, baseline + height + 4.0, format!("{:.2}", p.value))
        })
        .collect();
    let canvas = writer.canvas();
    for (i, point) in series.iter().enumerate() {
        let height = (point.value / max) as f32 * plot_height;
        let x = MARGIN + slot * i as f32 + (slot - bar) / 2.0;
        let [r, g, b] = if point.stated {
            ACCENT
        } else {
            [0.55, 0.69, 0.84]
        };
        canvas
            .set_fill_rgb(r, g, b)
            .rect(x, baseline, bar, height)
            .fill_nonzero();
        let year = point.year.to_string();
        draw_text(
            canvas,
            x + bar / 2.0 - 10.0,
            baseline - 12.0,
            &year,
            Face::Regular,
            7.5,
            MUTED,
        );
    }
    canvas
        .set_stroke_rgb(INK[0], INK[1], INK[2])
        .set_line_width(0.6)
        .move_to(MARGIN, baseline)
        .line_to(MARGIN + COLUMN, baseline)
        .stroke();
    for (x, y, label) in value_labels {
        draw_text(canvas, x, y, &label, Face::Bold, 8.0, INK);
    }
    writer.paragraph(
        &format!(
            "Market size, {} {}, {}–{}. Solid bars are the report's stated figures; lighter bars \
             between them are interpolated at the stated CAGR of {:.2}%.",
            market.currency, market.unit, market.start_year, market.end_year, market.cagr_percent
        ),
        Face::Regular,
        8.5,
        0.0,
        MUTED,
    );
}
