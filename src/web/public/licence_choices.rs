//! The discount form's licence choices: the report's own tiers with their
//! list prices in the currency shown, or, for a report without prices, the
//! three licences every report is sold under.

use crate::domain::licence::Licence;
use crate::domain::pricing::{ReportPricing, format_price};

pub struct LicenceChoice {
    pub code: String,
    pub label: String,
    /// "USD 6,499.00", when the report prices it in the currency shown.
    pub price: Option<String>,
}

pub fn licence_choices(pricing: &ReportPricing, currency: &str) -> Vec<LicenceChoice> {
    if pricing.licences.is_empty() {
        return Licence::ALL
            .into_iter()
            .map(|licence| LicenceChoice {
                code: licence.as_db().to_owned(),
                label: licence.label().to_owned(),
                price: None,
            })
            .collect();
    }
    pricing
        .licences
        .iter()
        .map(|tier| LicenceChoice {
            code: tier.code.clone(),
            label: tier.name.clone(),
            price: tier
                .price_in(currency)
                .map(|minor| format_price(minor, currency)),
        })
        .collect()
}
