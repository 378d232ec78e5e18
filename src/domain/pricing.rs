//! Licence tiers and their prices as a report file states them, money as
//! the page and the desk show it, and the discount a price is off a list
//! price. Amounts are integers in the currency's minor units (cents), so no
//! price is ever a rounded float.

use std::collections::BTreeMap;

use iso_currency::Currency;
use serde::{Deserialize, Serialize};

use super::licence::Licence;

/// One licence a report is sold under, with its list prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceTier {
    /// `single`, `multi` or `enterprise`: the discount form's `licence`.
    pub code: String,
    pub name: String,
    /// Who may use it, in which formats, with what deliverables.
    pub description: String,
    /// ISO 4217 code → list price in minor units: `{ USD = 449900 }`.
    pub prices: BTreeMap<String, i64>,
}

impl LicenceTier {
    pub fn price_in(&self, currency: &str) -> Option<i64> {
        self.prices.get(currency).copied()
    }
}

/// A report's prices alone, as read back from its stored document (the
/// rest of the document is skipped).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportPricing {
    #[serde(default)]
    default_currency: Option<String>,
    #[serde(default)]
    pub licences: Vec<LicenceTier>,
    #[serde(default)]
    market: MarketCurrency,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct MarketCurrency {
    #[serde(default)]
    currency: String,
}

/// Whether some tier has a price in `currency`.
pub fn sells_in(tiers: &[LicenceTier], currency: &str) -> bool {
    tiers.iter().any(|tier| tier.price_in(currency).is_some())
}

/// Every currency some tier is priced in, `default` first.
pub fn currencies_of(tiers: &[LicenceTier], default: &str) -> Vec<String> {
    let mut all = vec![default.to_owned()];
    for code in tiers.iter().flat_map(|tier| tier.prices.keys()) {
        if !all.contains(code) {
            all.push(code.clone());
        }
    }
    all
}

impl ReportPricing {
    pub fn default_currency(&self) -> &str {
        self.default_currency
            .as_deref()
            .unwrap_or(&self.market.currency)
    }

    pub fn tier(&self, code: &str) -> Option<&LicenceTier> {
        self.licences.iter().find(|tier| tier.code == code)
    }

    /// Every currency the report is priced in, the default first.
    pub fn currencies(&self) -> Vec<String> {
        currencies_of(&self.licences, self.default_currency())
    }

    /// `wanted` if some licence is priced in it, else the default currency.
    pub fn shown_currency(&self, wanted: &str) -> String {
        let wanted = wanted.trim().to_ascii_uppercase();
        if sells_in(&self.licences, &wanted) {
            wanted
        } else {
            self.default_currency().to_owned()
        }
    }
}

impl ReportPricing {
    /// What a discount request asked about money, priced from this report:
    /// the list price of its licence in the currency it was shown in.
    pub fn request_for(&self, request: &super::lead_request::LeadRequest) -> Option<PriceRequest> {
        let currency = request.currency.clone()?;
        let list_minor = request
            .licence
            .and_then(|licence| self.tier(licence.as_db()))
            .and_then(|tier| tier.price_in(&currency));
        Some(PriceRequest {
            currency,
            list_minor,
            asked_minor: request.asked_price,
        })
    }
}

/// What a discount request asked about money: the currency it was shown in,
/// the licence's list price there (when the report has one) and the price
/// the buyer typed (when they did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRequest {
    pub currency: String,
    pub list_minor: Option<i64>,
    pub asked_minor: Option<i64>,
}

impl PriceRequest {
    /// How much the buyer asks off the list price, when both are known.
    pub fn asked_discount(&self) -> Option<f64> {
        Some(discount_percent(self.list_minor?, self.asked_minor?))
    }

    /// "list USD 6,499.00 · asks USD 5,500.00 (15.4 % off)", for the desk.
    pub fn describe(&self) -> String {
        let list = self
            .list_minor
            .map(|minor| format!("list {}", format_price(minor, &self.currency)));
        let asked = self.asked_minor.map(|minor| {
            let off = self
                .asked_discount()
                .map(|p| format!(" ({p:.1} % off)"))
                .unwrap_or_default();
            format!("asks {}{off}", format_price(minor, &self.currency))
        });
        match (list, asked) {
            (Some(list), Some(asked)) => format!("{list} · {asked}"),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => format!("prices shown in {}", self.currency),
        }
    }
}

/// An ISO 4217 code as typed (any case), if it is one.
pub fn currency_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    Currency::from_code(&code).map(|_| code)
}

/// The currencies of a country (ISO 3166 code), the main one first: GB →
/// GBP, DE → EUR.
pub fn currencies_of_country(code: &str) -> Vec<String> {
    code.parse::<iso_currency::Country>()
        .map(|country| {
            Currency::from_country(country)
                .into_iter()
                .map(|c| c.code().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The highest list price taken (ten billion in major units): a typo of a
/// few extra zeros is caught, real prices are not.
const MAX_MINOR: i64 = 1_000_000_000_000;

/// Checks the tiers of a report whose prices default to `default_currency`;
/// the error names the field (`licences[1].prices.XYZ`) and says why.
pub fn check_licences(
    tiers: &[LicenceTier],
    default_currency: &str,
) -> Result<(), (String, String)> {
    let invalid = |field: String, problem: &str| Err((field, problem.to_owned()));
    if !tiers.is_empty() && Currency::from_code(default_currency).is_none() {
        return invalid(
            "default_currency".into(),
            "is not an ISO 4217 currency code (like USD, EUR, GBP)",
        );
    }
    let mut seen = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        let field = |name: &str| format!("licences[{i}].{name}");
        if Licence::from_db(&tier.code).is_none() {
            return invalid(field("code"), "must be single, multi or enterprise");
        }
        if seen.contains(&tier.code) {
            return invalid(field("code"), "is already used by another licence");
        }
        seen.push(tier.code.clone());
        if tier.name.trim().is_empty() || tier.name.chars().count() > 100 {
            return invalid(field("name"), "must be 1–100 characters");
        }
        if tier.description.trim().is_empty() || tier.description.chars().count() > 500 {
            return invalid(field("description"), "must be 1–500 characters");
        }
        for (code, amount) in &tier.prices {
            let here = field(&format!("prices.{code}"));
            if Currency::from_code(code).is_none() {
                return invalid(
                    here,
                    "is not an ISO 4217 currency code (like USD, EUR, GBP)",
                );
            }
            if *amount <= 0 || *amount > MAX_MINOR {
                return invalid(
                    here,
                    "must be a positive price in minor units (449900 = 4,499.00)",
                );
            }
        }
        if !tier.prices.contains_key(default_currency) {
            return Err((
                field("prices"),
                format!("has no price in the report's default currency, {default_currency}"),
            ));
        }
    }
    Ok(())
}

/// Digits after the decimal point in `currency` (2 when unknown).
fn exponent(currency: &str) -> u32 {
    Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// The amount in major units as schema.org and forms write it: `4499.00`.
pub fn plain_amount(minor: i64, currency: &str) -> String {
    let digits = exponent(currency);
    let scale = 10_i64.pow(digits);
    let (whole, fraction) = (minor / scale, (minor % scale).abs());
    if digits == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = digits as usize)
    }
}

/// The amount for reading: `USD 4,499.00`.
pub fn format_price(minor: i64, currency: &str) -> String {
    let plain = plain_amount(minor, currency);
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{currency} {grouped}")
    } else {
        format!("{currency} {grouped}.{fraction}")
    }
}

/// A price typed in major units (`3999`, `3,999.50`, `3999.5`) as minor
/// units of `currency`; refuses more decimals than the currency has.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let refused = || format!("Type a price in {currency}, like 3500 or 3,500.00");
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = exponent(currency) as usize;
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > digits
        || whole.len() > 12
    {
        return Err(refused());
    }
    let scale = 10_i64.pow(digits as u32);
    let whole: i64 = whole.parse().map_err(|_| refused())?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<digits$}")
            .parse()
            .map_err(|_| refused())?
    };
    let minor = whole * scale + fraction;
    if minor <= 0 {
        return Err(format!("The price must be more than {currency} 0"));
    }
    Ok(minor)
}

/// Words that put a lost lead down to price (its reason is free text).
const PRICE_WORDS: [&str; 5] = ["price", "budget", "expensive", "cost", "discount"];

/// Whether a loss's reason speaks of money.
pub fn speaks_of_price(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    PRICE_WORDS.iter().any(|word| reason.contains(word))
}

/// How much `price` is off `list`, in percent with one decimal (a price
/// above the list is a negative discount).
pub fn discount_percent(list: i64, price: i64) -> f64 {
    if list <= 0 {
        return 0.0;
    }
    let tenths = ((list - price) as f64 * 1000.0 / list as f64).round();
    tenths / 10.0
}

#[cfg(test)]
mod tests;
