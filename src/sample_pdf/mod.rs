//! The sample a buyer receives when a report has no sample file of its own:
//! a real PDF made from the report's content — a cover (title, publisher,
//! date), the table of contents, the introduction and headline figures, the
//! forecast chart and the key players — with its fonts embedded.

mod chart;
pub(crate) mod font;
mod layout;

use font::Font;
use layout::{ACCENT, Face, Fonts, INK, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH, Writer};

use crate::domain::report::ReportDocument;

/// The bundled faces (Liberation Sans, SIL Open Font License), shared with
/// the share image.
pub(crate) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

/// Who the sample is from and where the full report is.
pub struct SampleImprint<'a> {
    pub publisher: &'a str,
    /// "26 November 2026": the report's publication date, or today.
    pub date: &'a str,
    pub report_url: &'a str,
}

/// The PDF bytes of a report's generated sample.
pub fn report_sample_pdf(
    doc: &ReportDocument,
    imprint: &SampleImprint<'_>,
) -> anyhow::Result<Vec<u8>> {
    let fonts = Fonts {
        regular: Font::load("LiberationSans", REGULAR, false)?,
        bold: Font::load("LiberationSans-Bold", BOLD, true)?,
    };
    let footer = format!("Sample of “{}” · {}", doc.title, imprint.publisher);
    let mut w = Writer::new(&fonts, &footer);
    cover(&mut w, doc, imprint);
    contents(&mut w, doc);
    w.new_page();
    w.heading("Introduction", 16.0);
    for paragraph in &doc.intro {
        w.paragraph(paragraph, Face::Regular, 10.5, 0.0, INK);
        w.space(6.0);
    }
    headline_figures(&mut w, doc);
    w.heading("Key players", 16.0);
    for player in &doc.key_players {
        w.bullet(player, 10.5, 0.0);
    }
    w.heading("The full report", 16.0);
    w.paragraph(
        &format!(
            "This sample shows the structure and some of the findings of the full report. \
             For the complete analysis, every table and the country-level data: {}",
            imprint.report_url
        ),
        Face::Regular,
        10.5,
        0.0,
        INK,
    );
    Ok(w.finish(&doc.title, imprint.publisher))
}

fn cover(w: &mut Writer<'_>, doc: &ReportDocument, imprint: &SampleImprint<'_>) {
    let band = 150.0;
    let [r, g, b] = ACCENT;
    w.canvas()
        .set_fill_rgb(r, g, b)
        .rect(0.0, PAGE_HEIGHT - band, PAGE_WIDTH, band)
        .fill_nonzero();
    let white = [1.0, 1.0, 1.0];
    w.text_at(
        MARGIN,
        PAGE_HEIGHT - 70.0,
        imprint.publisher,
        Face::Bold,
        14.0,
        white,
    );
    w.text_at(
        MARGIN,
        PAGE_HEIGHT - 96.0,
        "Market research report · free sample",
        Face::Regular,
        11.0,
        white,
    );
    w.space(band + 40.0);
    w.paragraph(&doc.title, Face::Bold, 26.0, 0.0, INK);
    w.space(14.0);
    w.paragraph(&doc.summary, Face::Regular, 12.0, 0.0, MUTED);
    w.space(24.0);
    w.paragraph(
        &format!("Published {}", imprint.date),
        Face::Regular,
        11.0,
        0.0,
        INK,
    );
    w.space(24.0);
    w.paragraph("This sample contains:", Face::Bold, 11.0, 0.0, INK);
    for part in [
        "the full table of contents",
        "the introduction",
        "the headline market figures and the forecast chart",
        "the key players covered",
    ] {
        w.bullet(part, 11.0, 0.0);
    }
}

fn contents(w: &mut Writer<'_>, doc: &ReportDocument) {
    w.new_page();
    w.heading("Table of contents", 18.0);
    for (i, chapter) in doc.sections.table_of_contents.iter().enumerate() {
        w.keep(40.0);
        w.space(4.0);
        w.paragraph(
            &format!("{}. {}", i + 1, chapter.title),
            Face::Bold,
            11.0,
            0.0,
            INK,
        );
        for (j, section) in chapter.sections.iter().enumerate() {
            w.paragraph(
                &format!("{}.{} {}", i + 1, j + 1, section.title),
                Face::Regular,
                10.0,
                18.0,
                INK,
            );
        }
    }
}

fn headline_figures(w: &mut Writer<'_>, doc: &ReportDocument) {
    let m = &doc.market;
    w.heading("Headline figures", 16.0);
    for line in [
        format!(
            "Market size {}: {} {:.2} {}",
            m.start_year, m.currency, m.start_value, m.unit
        ),
        format!(
            "Market size {}: {} {:.2} {}",
            m.end_year, m.currency, m.end_value, m.unit
        ),
        format!(
            "Growth {}–{}: {:.2}% a year (CAGR)",
            m.start_year, m.end_year, m.cagr_percent
        ),
    ] {
        w.bullet(&line, 11.0, 0.0);
    }
    w.heading("Forecast", 16.0);
    chart::forecast_chart(w, m);
}
