//! The report overview page.

use askama::Template;

use crate::domain::report::{ReportDocument, TocEntry};
use crate::web::charts::forecast::ForecastChart;
use crate::web::page::PageMeta;

#[derive(Template)]
#[template(path = "public/report.html")]
pub struct ReportPage {
    pub meta: PageMeta,
    pub doc: ReportDocument,
    pub headline: Headline,
    pub chart: ForecastChart,
    pub toc: Vec<NumberedEntry>,
    pub faq_json_ld: String,
    pub links: ReportLinks,
}

/// The three headline figures, formatted for reading.
pub struct Headline {
    pub start: String,
    pub end: String,
    pub cagr: String,
    pub start_year: i32,
    pub end_year: i32,
}

pub struct ReportLinks {
    pub sample_request: String,
    pub inquiry: String,
    pub discount: String,
}

/// A table-of-contents line with its printed number ("5.1.2").
pub struct NumberedEntry {
    pub number: String,
    pub title: String,
    pub children: Vec<NumberedEntry>,
}

impl ReportPage {
    pub fn footed_by(mut self, publisher: &crate::domain::publisher::Publisher) -> Self {
        self.meta = self.meta.footed_by(publisher);
        self
    }

    pub fn new(public_base: &str, doc: ReportDocument) -> Self {
        let path = format!("/reports/{}", doc.slug);
        let meta = PageMeta::new(public_base, &path, &doc.title, &doc.summary).article();
        let m = &doc.market;
        let headline = Headline {
            start: format!("{} {:.2} {}", m.currency, m.start_value, m.unit),
            end: format!("{} {:.2} {}", m.currency, m.end_value, m.unit),
            cagr: format!("{:.2}%", m.cagr_percent),
            start_year: m.start_year,
            end_year: m.end_year,
        };
        Self {
            meta,
            headline,
            chart: ForecastChart::new(&doc.market),
            toc: number_entries("", &doc.sections.table_of_contents),
            faq_json_ld: faq_json_ld(&doc),
            links: ReportLinks {
                sample_request: format!("{path}/sample-request"),
                inquiry: format!("{path}/inquiry"),
                discount: format!("{path}/discount"),
            },
            doc,
        }
    }
}

fn number_entries(prefix: &str, entries: &[TocEntry]) -> Vec<NumberedEntry> {
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let number = format!("{prefix}{}", i + 1);
            NumberedEntry {
                children: number_entries(&format!("{number}."), &entry.sections),
                title: entry.title.clone(),
                number,
            }
        })
        .collect()
}

/// schema.org FAQPage data for search engines. `<`, `>` and `&` are written as
/// JSON escapes so no answer text can close the surrounding script element.
fn faq_json_ld(doc: &ReportDocument) -> String {
    let questions: Vec<_> = doc
        .sections
        .faq
        .iter()
        .map(|entry| {
            serde_json::json!({
                "@type": "Question",
                "name": entry.question,
                "acceptedAnswer": { "@type": "Answer", "text": entry.answer },
            })
        })
        .collect();
    let data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    });
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_numbers_follow_the_nesting() {
        let entries = vec![
            TocEntry {
                title: "Intro".into(),
                sections: vec![],
            },
            TocEntry {
                title: "Segments".into(),
                sections: vec![TocEntry {
                    title: "By Type".into(),
                    sections: vec![TocEntry {
                        title: "Online".into(),
                        sections: vec![],
                    }],
                }],
            },
        ];
        let numbered = number_entries("", &entries);
        assert_eq!(numbered[0].number, "1");
        assert_eq!(numbered[1].children[0].number, "2.1");
        assert_eq!(numbered[1].children[0].children[0].number, "2.1.1");
    }

    #[test]
    fn faq_data_cannot_close_its_script_element() {
        let mut doc =
            crate::domain::report::ReportDocument::parse_toml(crate::content::BUNDLED_REPORT)
                .unwrap();
        doc.sections.faq[0].answer = "</script><script>alert(1)</script>".into();
        let json = faq_json_ld(&doc);
        assert!(!json.contains("</script"));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            parsed["mainEntity"][0]["acceptedAnswer"]["text"],
            "</script><script>alert(1)</script>"
        );
    }
}
