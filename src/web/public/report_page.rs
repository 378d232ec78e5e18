//! The report overview page.

use askama::Template;

use super::report_json_ld;
use crate::domain::forecast::cagr_mismatch;
use crate::domain::pricing::{format_price, sells_in};
use crate::domain::report::{ReportDocument, TocEntry};
use crate::web::charts::forecast::{ForecastChart, NARROW, WIDE};
use crate::web::page::PageMeta;

#[derive(Template)]
#[template(path = "public/report.html")]
pub struct ReportPage {
    pub meta: PageMeta,
    pub doc: ReportDocument,
    pub headline: Headline,
    /// The chart drawn wide and narrow (see `charts::forecast::Layout`).
    pub charts: [ForecastChart; 2],
    pub toc: Vec<NumberedEntry>,
    pub faq_json_ld: String,
    /// schema.org Product and Offers, for a report with prices.
    pub product_json_ld: Option<String>,
    /// schema.org BreadcrumbList and the publisher's Organization.
    pub site_json_ld: String,
    pub links: ReportLinks,
    /// The price table, for a report with prices.
    pub prices: Option<PriceTable>,
    /// (label, value) of what the report is: code, dates, base year, …
    pub facts: Vec<(&'static str, String)>,
    pub public_base: String,
    /// (href, title) of reports in the same industry.
    pub related: Vec<(String, String)>,
    /// (href, name) of the report's industry page.
    pub industry: Option<(String, String)>,
}

/// The licences and their prices in the currency chosen.
pub struct PriceTable {
    pub currency: String,
    /// Links to the same table in each currency the report is priced in.
    pub currencies: Vec<CurrencyLink>,
    pub rows: Vec<PriceRow>,
}

pub struct CurrencyLink {
    pub code: String,
    pub href: String,
    pub current: bool,
}

pub struct PriceRow {
    pub name: String,
    pub description: String,
    /// "USD 4,499.00", or a note where this licence has no price in it.
    pub price: String,
    pub discount: String,
    pub inquiry: String,
}

/// The three headline figures, formatted for reading.
pub struct Headline {
    pub start: String,
    pub end: String,
    pub cagr: String,
    /// The CAGR the two values imply, when the stated one is off it.
    pub implied_cagr: Option<String>,
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
    /// (slug, title) of the reports to suggest beside this one.
    pub fn with_related(mut self, related: Vec<(String, String)>) -> Self {
        self.related = related
            .into_iter()
            .map(|(slug, title)| (format!("/reports/{slug}"), title))
            .collect();
        self
    }

    /// Link previews show the report's share image; `version` (the report's
    /// last change) in its address makes previewers fetch a changed one.
    pub fn with_share_image(mut self, version: i64) -> Self {
        let url = format!(
            "{}/reports/{}/share.png?v={version}",
            self.public_base, self.doc.slug
        );
        let alt = format!(
            "{}: forecast chart of the market size, {}–{}",
            self.doc.title, self.doc.market.start_year, self.doc.market.end_year
        );
        self.meta = self.meta.with_image(url, alt);
        self
    }

    pub fn footed_by(mut self, publisher: &crate::domain::publisher::Publisher) -> Self {
        self.meta = self.meta.footed_by(publisher);
        self.site_json_ld = report_json_ld::breadcrumbs_and_publisher(
            &self.doc,
            &self.public_base,
            publisher,
            self.facts.iter().any(|(label, _)| *label == "Publisher"),
        );
        self
    }

    /// The page in `currency` (one the report is priced in), else in the
    /// report's default currency.
    pub fn new(
        public_base: &str,
        doc: ReportDocument,
        currency: Option<&str>,
        publisher_name: &str,
    ) -> Self {
        let path = format!("/reports/{}", doc.slug);
        let meta = PageMeta::new(public_base, &path, &doc.title, &doc.summary).article();
        let m = &doc.market;
        let headline = Headline {
            start: format!("{} {:.2} {}", m.currency, m.start_value, m.unit),
            end: format!("{} {:.2} {}", m.currency, m.end_value, m.unit),
            cagr: format!("{:.2}%", m.cagr_percent),
            implied_cagr: cagr_mismatch(m).map(|implied| format!("{implied:.2}%")),
            start_year: m.start_year,
            end_year: m.end_year,
        };
        Self {
            meta,
            headline,
            charts: [
                ForecastChart::new(&doc.market, WIDE),
                ForecastChart::new(&doc.market, NARROW),
            ],
            toc: number_entries("", &doc.sections.table_of_contents),
            faq_json_ld: report_json_ld::faq(&doc),
            site_json_ld: String::new(),
            related: Vec::new(),
            industry: report_json_ld::industry_link(&doc),
            public_base: public_base.to_owned(),
            product_json_ld: report_json_ld::product(
                &doc,
                &format!("{public_base}{path}"),
                publisher_name,
            ),
            prices: price_table(&doc, &path, currency),
            facts: report_facts(&doc, publisher_name),
            links: ReportLinks {
                sample_request: format!("{path}/sample-request"),
                inquiry: format!("{path}/inquiry"),
                discount: format!("{path}/discount"),
            },
            doc,
        }
    }
}

/// What the report is, as a buyer compares publishers: the facts the file
/// gives, in a fixed order.
fn report_facts(doc: &ReportDocument, publisher: &str) -> Vec<(&'static str, String)> {
    let m = &doc.market;
    let mut facts = Vec::new();
    let mut add = |label, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push((label, value));
        }
    };
    add("Report code", doc.report_code.clone());
    add("Publisher", Some(publisher.to_owned()));
    add("Published", doc.published_on.clone());
    add("Updated", doc.updated_on.clone());
    add("Base year", doc.base_year.map(|y| y.to_string()));
    add(
        "Forecast period",
        Some(format!("{}–{}", m.start_year, m.end_year)),
    );
    add("Pages", doc.pages.map(|p| p.to_string()));
    add("Formats", Some(doc.formats.join(", ")));
    facts
}

/// Whether the report is sold in `currency`: the page's `?currency=`.
pub fn offers_currency(doc: &ReportDocument, currency: &str) -> bool {
    sells_in(&doc.licences, currency)
}

fn price_table(doc: &ReportDocument, path: &str, wanted: Option<&str>) -> Option<PriceTable> {
    if doc.licences.is_empty() {
        return None;
    }
    let currency = wanted
        .filter(|c| offers_currency(doc, c))
        .unwrap_or(doc.price_currency())
        .to_owned();
    let rows = doc
        .licences
        .iter()
        .map(|tier| {
            let asked = format!("?licence={}&currency={currency}", tier.code);
            PriceRow {
                name: tier.name.clone(),
                description: tier.description.clone(),
                price: tier.price_in(&currency).map_or_else(
                    || format!("Not sold in {currency}: ask us"),
                    |minor| format_price(minor, &currency),
                ),
                discount: format!("{path}/discount{asked}"),
                inquiry: format!("{path}/inquiry{asked}"),
            }
        })
        .collect();
    let currencies = doc
        .price_currencies()
        .into_iter()
        .map(|code| CurrencyLink {
            href: format!("{path}?currency={code}#prices"),
            current: code == currency,
            code,
        })
        .collect();
    Some(PriceTable {
        currency,
        currencies,
        rows,
    })
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
}
