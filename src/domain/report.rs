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
    /// The publisher's own code for the report ("MR-HC-0412").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_code: Option<String>,
    /// When the report was last revised (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_on: Option<String>,
    /// The year the estimates start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// What the buyer receives: "PDF", "Excel", …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formats: Vec<String>,
    /// "Healthcare": the catalogue's filter and `/industries/{slug}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Words a buyer may search for beyond the title and summary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
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

    /// Every currency some licence has a price in, the default first.
    pub fn price_currencies(&self) -> Vec<String> {
        super::pricing::currencies_of(&self.licences, self.price_currency())
    }

    /// What catalogue words are looked for in: title and summary, lower-cased.
    pub fn search_text(&self) -> String {
        format!("{} {}", self.title, self.summary).to_lowercase()
    }

    /// The segment entries other reports can share with this one, lower-cased,
    /// once each; a catch-all "Others" says nothing about a market, so it is
    /// left out.
    pub fn segment_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .sections
            .segmentations
            .iter()
            .flat_map(|segmentation| &segmentation.entries)
            .map(|entry| entry.trim().to_lowercase())
            .filter(|key| !matches!(key.as_str(), "" | "other" | "others"))
            .collect();
        keys.sort();
        keys.dedup();
        keys
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
        let format = time::macros::format_description!("[year]-[month]-[day]");
        for (field, date) in [
            ("published_on", &self.published_on),
            ("updated_on", &self.updated_on),
        ] {
            if let Some(date) = date {
                time::Date::parse(date, &format).map_err(|_| {
                    ReportFileError::invalid(field, "must be a date like 2025-06-30")
                })?;
            }
        }
        if let (Some(published), Some(updated)) = (&self.published_on, &self.updated_on)
            && updated < published
        {
            return Err(ReportFileError::invalid(
                "updated_on",
                "must not be before published_on",
            ));
        }
        require_list("intro", &self.intro)?;
        require_list("key_players", &self.key_players)?;
        self.market.check()?;
        self.check_facts()?;
        self.sections.check()
    }
}

impl ReportDocument {
    fn check_facts(&self) -> Result<(), ReportFileError> {
        if let Some(code) = &self.report_code {
            require_text("report_code", code, 40)?;
        }
        if let Some(year) = self.base_year
            && !(self.market.start_year - 10..=self.market.end_year).contains(&year)
        {
            return Err(ReportFileError::invalid(
                "base_year",
                "must be within ten years before the forecast's start, or inside it",
            ));
        }
        if self.pages.is_some_and(|p| p == 0 || p > 5000) {
            return Err(ReportFileError::invalid("pages", "must be 1 to 5000"));
        }
        for (i, format) in self.formats.iter().enumerate() {
            require_text(&format!("formats[{i}]"), format, 30)?;
        }
        if let Some(industry) = &self.industry {
            require_text("industry", industry, 60)?;
            if Slug::from_name(industry).is_none() {
                return Err(ReportFileError::invalid(
                    "industry",
                    "needs at least three letters or digits",
                ));
            }
        }
        if self.tags.len() > 12 {
            return Err(ReportFileError::invalid("tags", "at most 12"));
        }
        for (i, tag) in self.tags.iter().enumerate() {
            require_text(&format!("tags[{i}]"), tag, 40)?;
        }
        Ok(())
    }

    /// What an import should point out without refusing the file.
    pub fn warnings(&self) -> Vec<String> {
        super::forecast::cagr_mismatch(&self.market)
            .map(|implied| {
                format!(
                    "market.cagr_percent: the stated CAGR ({:.2} %) differs from the {implied:.2} % its start and end values imply; the page says so in a footnote",
                    self.market.cagr_percent
                )
            })
            .into_iter()
            .collect()
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
mod tests;
