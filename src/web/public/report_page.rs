//! The report overview page.

use askama::Template;

use super::report_json_ld;
use crate::domain::pricing::format_price;
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
    /// schema.org Product and Offers, for a report with prices.
    pub product_json_ld: Option<String>,
    pub links: ReportLinks,
    /// The price table, for a report with prices.
    pub prices: Option<PriceTable>,
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
            start_year: m.start_year,
            end_year: m.end_year,
        };
        Self {
            meta,
            headline,
            chart: ForecastChart::new(&doc.market),
            toc: number_entries("", &doc.sections.table_of_contents),
            faq_json_ld: report_json_ld::faq(&doc),
            product_json_ld: report_json_ld::product(
                &doc,
                &format!("{public_base}{path}"),
                publisher_name,
            ),
            prices: price_table(&doc, &path, currency),
            links: ReportLinks {
                sample_request: format!("{path}/sample-request"),
                inquiry: format!("{path}/inquiry"),
                discount: format!("{path}/discount"),
            },
            doc,
        }
    }
}

/// Whether the report is sold in `currency`: the page's `?currency=`.
pub fn offers_currency(doc: &ReportDocument, currency: &str) -> bool {
    doc.licences
        .iter()
        .any(|tier| tier.price_in(currency).is_some())
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
