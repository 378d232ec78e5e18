//! A research report as an editor writes it (one TOML file per report) and the
//! checks that keep a malformed file out of the database.

use serde::{Deserialize, Serialize};

use super::pricing::{LicenceTier, check_licences};
use super::slug::Slug;

/// The whole report file. Unknown keys are refused so a misspelt section name is
/// reported instead of silently dropping content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDocument {
    pub slug: String,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<String>,
    pub intro: Vec<String>,
    pub key_players: Vec<String>,
    pub market: MarketFigures,
    /// The sample PDF, relative to the report file (`samples/x.pdf`); without
    /// one, a sample is made from the report's own content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// The currency prices are shown in unless the buyer picks another
    /// (ISO 4217); the market figures' currency when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_currency: Option<String>,
    /// The licences the report is sold under, cheapest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licences: Vec<LicenceTier>,
    #[serde(flatten)]
    pub sections: ReportSections,
}

/// The headline numbers: one value at each end of the forecast window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketFigures {
    pub currency: String,
    pub unit: String,
    pub start_year: i32,
    pub start_value: f64,
    pub end_year: i32,
    pub end_value: f64,
    pub cagr_percent: f64,
}

/// The nested sections, stored together as one JSON text in `reports.content`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSections {
    pub financial_ratios: Vec<FinancialRatio>,
    pub segmentations: Vec<Segmentation>,
    pub regions: Vec<Region>,
    pub table_of_contents: Vec<TocEntry>,
    pub faq: Vec<FaqEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialRatio {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segmentation {
    pub name: String,
    pub entries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub name: String,
    pub countries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TocEntry {
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// Why a report file was refused. `field` names the offending key path
/// (`market.end_year`, `faq[2].answer`) so an editor can find it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportFileError {
    #[error("{0}")]
    Syntax(String),
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
}

impl ReportFileError {
    fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl ReportDocument {
    /// Parses and checks a report file. Syntax errors carry the line and column
    /// the TOML parser reports; content errors name the field.
    pub fn parse_toml(text: &str) -> Result<Self, ReportFileError> {
        let doc: ReportDocument =
            toml::from_str(text).map_err(|e| ReportFileError::Syntax(e.to_string()))?;
        doc.check()?;
        Ok(doc)
    }

    /// The currency prices are shown in by default.
    pub fn price_currency(&self) -> &str {
        self.default_currency
            .as_deref()
            .unwrap_or(&self.market.currency)
    }

    /// The tier of a licence code, if the report sells it.
    pub fn licence(&self, code: &str) -> Option<&LicenceTier> {
        self.licences.iter().find(|tier| tier.code == code)
    }

    /// Every currency some licence has a price in, the default first.
    pub fn price_currencies(&self) -> Vec<String> {
        let mut all: Vec<String> = vec![self.price_currency().to_owned()];
        for tier in &self.licences {
            for code in tier.prices.keys() {
                if !all.contains(code) {
                    all.push(code.clone());
                }
            }
        }
        all
    }

    fn check(&self) -> Result<(), ReportFileError> {
        check_licences(&self.licences, self.price_currency())
            .map_err(|(field, problem)| ReportFileError::invalid(field, problem))?;
        if Slug::parse(&self.slug).is_none() {
            return Err(ReportFileError::invalid(
                "slug",
                "must be 3–100 characters of a–z, 0–9 and single hyphens",
            ));
        }
        require_text("title", &self.title, 200)?;
        require_text("summary", &self.summary, 400)?;
        if let Some(date) = &self.published_on {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(date, &format).map_err(|_| {
                ReportFileError::invalid("published_on", "must be a date like 2025-06-30")
            })?;
        }
        require_list("intro", &self.intro)?;
        require_list("key_players", &self.key_players)?;
        self.market.check()?;
        self.sections.check()
    }
}

impl MarketFigures {
    fn check(&self) -> Result<(), ReportFileError> {
        require_text("market.currency", &self.currency, 10)?;
        require_text("market.unit", &self.unit, 20)?;
        if !(1900..=2200).contains(&self.start_year) {
            return Err(ReportFileError::invalid(
                "market.start_year",
                "must be a year between 1900 and 2200",
            ));
        }
        if self.end_year <= self.start_year || self.end_year - self.start_year > 50 {
            return Err(ReportFileError::invalid(
                "market.end_year",
                format!(
                    "must be after start_year ({}) and at most 50 years later",
                    self.start_year
                ),
            ));
        }
        for (field, value) in [
            ("market.start_value", self.start_value),
            ("market.end_value", self.end_value),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ReportFileError::invalid(field, "must be a positive number"));
            }
        }
        if !(self.cagr_percent.is_finite() && self.cagr_percent > -100.0) {
            return Err(ReportFileError::invalid(
                "market.cagr_percent",
                "must be a percentage above -100",
            ));
        }
        Ok(())
    }
}

impl ReportSections {
    fn check(&self) -> Result<(), ReportFileError> {
        for (i, ratio) in self.financial_ratios.iter().enumerate() {
            require_text(&format!("financial_ratios[{i}].name"), &ratio.name, 200)?;
            require_text(&format!("financial_ratios[{i}].text"), &ratio.text, 5000)?;
        }
        for (i, seg) in self.segmentations.iter().enumerate() {
            require_text(&format!("segmentations[{i}].name"), &seg.name, 200)?;
            require_list(&format!("segmentations[{i}].entries"), &seg.entries)?;
        }
        for (i, region) in self.regions.iter().enumerate() {
            require_text(&format!("regions[{i}].name"), &region.name, 200)?;
            require_list(&format!("regions[{i}].countries"), &region.countries)?;
        }
        check_toc("table_of_contents", &self.table_of_contents, 1)?;
        for (i, entry) in self.faq.iter().enumerate() {
            require_text(&format!("faq[{i}].question"), &entry.question, 500)?;
            require_text(&format!("faq[{i}].answer"), &entry.answer, 5000)?;
        }
        Ok(())
    }
}

/// Chapters nest at most three deep (5.1.1), as printed reports do.
const MAX_TOC_DEPTH: usize = 3;

fn check_toc(path: &str, entries: &[TocEntry], depth: usize) -> Result<(), ReportFileError> {
    if depth > MAX_TOC_DEPTH && !entries.is_empty() {
        return Err(ReportFileError::invalid(
            path,
            format!("sections nest at most {MAX_TOC_DEPTH} levels deep"),
        ));
    }
    for (i, entry) in entries.iter().enumerate() {
        let here = format!("{path}[{i}]");
        require_text(&format!("{here}.title"), &entry.title, 300)?;
        check_toc(&format!("{here}.sections"), &entry.sections, depth + 1)?;
    }
    Ok(())
}

fn require_text(field: &str, value: &str, max_chars: usize) -> Result<(), ReportFileError> {
    if value.trim().is_empty() {
        return Err(ReportFileError::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(ReportFileError::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(())
}

fn require_list(field: &str, values: &[String]) -> Result<(), ReportFileError> {
    if values.is_empty() {
        return Err(ReportFileError::invalid(
            field,
            "must list at least one entry",
        ));
    }
    for (i, value) in values.iter().enumerate() {
        require_text(&format!("{field}[{i}]"), value, 5000)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLED: &str =
        include_str!("../../content/reports/global-medical-second-opinion-market.toml");

    #[test]
    fn the_bundled_report_parses_with_every_seed_section() {
        let doc = ReportDocument::parse_toml(BUNDLED).expect("bundled report is valid");
        assert_eq!(doc.intro.len(), 3);
        assert_eq!(doc.sections.financial_ratios.len(), 5);
        assert_eq!(doc.sections.segmentations.len(), 3);
        assert_eq!(doc.sections.regions.len(), 5);
        assert_eq!(doc.key_players.len(), 10);
        assert_eq!(doc.sections.table_of_contents.len(), 9);
        assert_eq!(doc.sections.faq.len(), 5);
        assert_eq!(doc.market.start_value, 6.12);
        assert_eq!(doc.market.end_value, 24.87);
    }

    #[test]
    fn an_end_year_before_the_start_year_is_refused_by_name() {
        let text = BUNDLED.replace("end_year = 2035", "end_year = 2020");
        let err = ReportDocument::parse_toml(&text).unwrap_err();
        assert!(err.to_string().starts_with("market.end_year:"), "{err}");
    }

    #[test]
    fn an_empty_faq_answer_is_refused_with_its_index() {
        let text = BUNDLED.replacen("answer = \"", "answer = \" \" # ", 2);
        let err = ReportDocument::parse_toml(&text).unwrap_err();
        assert!(err.to_string().starts_with("faq[0].answer:"), "{err}");
    }

    #[test]
    fn a_misspelt_key_is_reported_with_its_line() {
        let text = BUNDLED.replace("key_players = [", "key_player = [");
        let err = ReportDocument::parse_toml(&text).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("line"), "{message}");
        assert!(message.contains("key_player"), "{message}");
    }
}
