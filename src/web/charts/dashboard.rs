//! The dashboard's charts as SVG geometry: leads per day (stacked by kind) and
//! the status funnel. Each has a title, a description and a table alternative.

use crate::db::queries::dashboard::WindowFigures;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;

const DAY: i64 = 86_400;

pub struct DailyChart {
    pub width: f64,
    pub height: f64,
    pub baseline: f64,
    pub segments: Vec<Segment>,
    pub ticks: Vec<(f64, String)>,
    pub day_labels: Vec<(f64, String)>,
    pub rows: Vec<(String, [i64; 3], i64)>,
    pub total: i64,
}

pub struct Segment {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub kind: &'static str,
    pub tooltip: String,
}

fn day_label(unix: i64) -> String {
    let format = time::macros::format_description!("[month repr:short] [day padding:none]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

impl DailyChart {
    pub fn new(data: &WindowFigures) -> Self {
        let (width, height, left, top, bottom) = (720.0, 240.0, 36.0, 12.0, 28.0);
        let plot_height = height - top - bottom;
        let slot = (width - left - 8.0) / data.daily.len() as f64;
        let max = data
            .daily
            .iter()
            .map(|d| d.iter().sum::<i64>())
            .max()
            .unwrap_or(0)
            .max(1);
        let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
            .into_iter()
            .find(|s| max / s <= 5)
            .unwrap_or(10_000);
        let top_value = ((max + step - 1) / step * step) as f64;
        let scale = |v: i64| plot_height * v as f64 / top_value;
        let mut segments = Vec::new();
        for (i, day) in data.daily.iter().enumerate() {
            let x = left + slot * i as f64 + slot * 0.15;
            let mut y = top + plot_height;
            for (k, kind) in LeadKind::ALL.iter().enumerate() {
                if day[k] == 0 {
                    continue;
                }
                let h = scale(day[k]);
                y -= h;
                segments.push(Segment {
                    x: (x * 10.0).round() / 10.0,
                    y: (y * 10.0).round() / 10.0,
                    width: ((slot * 0.7) * 10.0).round() / 10.0,
                    height: (h * 10.0).round() / 10.0,
                    kind: kind.as_db(),
                    tooltip: format!(
                        "{}: {} {}",
                        day_label(data.first_day + i as i64 * DAY),
                        day[k],
                        kind.label()
                    ),
                });
            }
        }
        let ticks = (0..=(top_value as i64 / step))
            .map(|i| {
                (
                    ((top + plot_height - scale(i * step)) * 10.0).round() / 10.0,
                    (i * step).to_string(),
                )
            })
            .collect();
        let day_labels = (0..data.daily.len())
            .step_by(7)
            .map(|i| {
                (
                    left + slot * i as f64 + slot / 2.0,
                    day_label(data.first_day + i as i64 * DAY),
                )
            })
            .collect();
        let rows: Vec<_> = data
            .daily
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    day_label(data.first_day + i as i64 * DAY),
                    *d,
                    d.iter().sum(),
                )
            })
            .collect();
        Self {
            width,
            height,
            baseline: top + plot_height,
            total: rows.iter().map(|r| r.2).sum(),
            segments,
            ticks,
            day_labels,
            rows,
        }
    }
}

pub struct FunnelBar {
    pub status: LeadStatus,
    pub count: i64,
    pub y: f64,
    pub width: f64,
}

/// Leads of the window by status, as horizontal bars.
pub fn funnel(data: &WindowFigures) -> Vec<FunnelBar> {
    let statuses = LeadStatus::ALL;
    let max = statuses
        .iter()
        .map(|s| data.by_status.get(s).copied().unwrap_or(0))
        .max()
        .unwrap_or(0)
        .max(1);
    statuses
        .iter()
        .enumerate()
        .map(|(i, status)| {
            let count = data.by_status.get(status).copied().unwrap_or(0);
            FunnelBar {
                status: *status,
                count,
                y: 8.0 + i as f64 * 26.0,
                width: ((count as f64 / max as f64 * 460.0) * 10.0).round() / 10.0,
            }
        })
        .collect()
}
