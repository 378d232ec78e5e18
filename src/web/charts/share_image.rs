//! A report's share image (Open Graph / Twitter card): 1200×630 PNG with the
//! publisher, the title, the headline figures and the forecast chart. The
//! picture is our own SVG, drawn to pixels by resvg with the bundled
//! Liberation Sans, so it looks the same on every machine (no system fonts).

use std::sync::{Arc, OnceLock};

use askama::Template;
use resvg::{tiny_skia, usvg};

use super::forecast::{ForecastChart, SHARE};
use crate::domain::report::ReportDocument;
use crate::sample_pdf::font::{Font, wrap};
use crate::sample_pdf::{BOLD, REGULAR};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// Room for the title: the image less its side margins.
const TITLE_WIDTH: f32 = 1072.0;
/// The title is drawn as large as fits in three lines, down to the smallest.
const TITLE_SIZES: [f32; 3] = [54.0, 46.0, 40.0];
const TITLE_LINES: usize = 3;
const TITLE_TOP: f32 = 140.0;
const CHART_TOP: f32 = 366.0;

#[derive(Template)]
#[template(path = "share/report_share.svg", escape = "html")]
struct ShareSvg {
    publisher: String,
    title_size: f32,
    title_lines: Vec<(f32, String)>,
    headline: String,
    headline_y: f32,
    chart: ForecastChart,
    chart_y: f32,
}

/// The PNG bytes of the report's share image.
pub fn report_share_png(doc: &ReportDocument, publisher: &str) -> anyhow::Result<Vec<u8>> {
    let svg = share_svg(doc, publisher)?;
    let options = usvg::Options {
        font_family: "Liberation Sans".into(),
        fontdb: fonts()?,
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options)?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| anyhow::anyhow!("a {WIDTH}×{HEIGHT} canvas cannot be made"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap.encode_png()?)
}

fn share_svg(doc: &ReportDocument, publisher: &str) -> anyhow::Result<String> {
    let bold = Font::load("LiberationSans-Bold", BOLD, true)?;
    let (title_size, lines) = fit_title(&bold, &doc.title);
    let line_height = title_size * 1.15;
    let title_lines: Vec<(f32, String)> = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| (TITLE_TOP + line_height * i as f32, line))
        .collect();
    let last_baseline = title_lines.last().map_or(TITLE_TOP, |(y, _)| *y);
    let m = &doc.market;
    let svg = ShareSvg {
        publisher: publisher.to_owned(),
        title_size,
        headline_y: (last_baseline + 58.0).min(CHART_TOP - 10.0),
        title_lines,
        headline: format!(
            "{cur} {sv:.2} {u} in {sy} → {cur} {ev:.2} {u} by {ey} · CAGR {cagr:.2}%",
            cur = m.currency,
            u = m.unit,
            sv = m.start_value,
            sy = m.start_year,
            ev = m.end_value,
            ey = m.end_year,
            cagr = m.cagr_percent,
        ),
        chart: ForecastChart::new(m, SHARE),
        chart_y: CHART_TOP,
    };
    Ok(svg.render()?)
}

/// The largest title size whose lines fit; at the smallest, the lines past
/// the third are cut and the third ends in an ellipsis.
fn fit_title(font: &Font, title: &str) -> (f32, Vec<String>) {
    for size in TITLE_SIZES {
        let lines = wrap(font, title, size, TITLE_WIDTH);
        if lines.len() <= TITLE_LINES {
            return (size, lines);
        }
    }
    let size = TITLE_SIZES[TITLE_SIZES.len() - 1];
    let mut lines = wrap(font, title, size, TITLE_WIDTH);
    lines.truncate(TITLE_LINES);
    if let Some(last) = lines.last_mut() {
        while !last.is_empty() && font.width(&format!("{last} …"), size) > TITLE_WIDTH {
            last.pop();
        }
        last.push_str(" …");
    }
    (size, lines)
}

/// The bundled faces, loaded once.
fn fonts() -> anyhow::Result<Arc<usvg::fontdb::Database>> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    Ok(FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            db.set_sans_serif_family("Liberation Sans");
            Arc::new(db)
        })
        .clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> ReportDocument {
        ReportDocument::parse_toml(crate::content::BUNDLED_REPORT).unwrap()
    }

    #[test]
    fn the_share_image_is_a_1200_by_630_png_with_dark_title_text() {
        let png = report_share_png(&bundled(), "Acme Research").unwrap();
        let image = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
        // The title's band holds ink: text was shaped with the bundled font
        // (with no font found, resvg draws no text at all).
        let dark = (100..250)
            .flat_map(|y| (64..1100).map(move |x| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y).is_some_and(|p| p.red() < 80))
            .count();
        assert!(dark > 2_000, "only {dark} dark pixels where the title is");
    }

    #[test]
    fn a_very_long_title_is_cut_to_three_lines_ending_in_an_ellipsis() {
        let font = Font::load("LiberationSans-Bold", BOLD, true).unwrap();
        let title = "Global Medical Second Opinion Market ".repeat(8);
        let (size, lines) = fit_title(&font, &title);
        assert_eq!(size, 40.0);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert!(lines.iter().all(|l| font.width(l, size) <= TITLE_WIDTH));
    }

    #[test]
    fn a_short_title_is_drawn_at_the_largest_size() {
        let font = Font::load("LiberationSans-Bold", BOLD, true).unwrap();
        let (size, lines) = fit_title(&font, "Cloud Security Market");
        assert_eq!((size, lines.len()), (54.0, 1));
    }
}
