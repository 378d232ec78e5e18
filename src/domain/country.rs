//! Countries as ISO 3166-1 alpha-2 codes, with English names for the select list.

use std::sync::OnceLock;

use isocountry::CountryCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(CountryCode);

impl Country {
    pub fn parse(code: &str) -> Result<Self, String> {
        let code = code.trim();
        if code.is_empty() {
            return Err("Select your country".into());
        }
        CountryCode::for_alpha2(code)
            .map(Self)
            .map_err(|_| "Select a country from the list".into())
    }

    pub fn code(&self) -> &'static str {
        self.0.alpha2()
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

/// Every country as (code, English name), sorted by name for the select list.
pub fn all_countries() -> &'static [(&'static str, &'static str)] {
    static LIST: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<_> = CountryCode::iter()
            .map(|c| (c.alpha2(), c.name()))
            .collect();
        list.sort_by(|a, b| a.1.cmp(b.1));
        list
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha2_codes_parse_and_others_do_not() {
        assert_eq!(Country::parse("DE").unwrap().code(), "DE");
        assert_eq!(
            Country::parse("US").unwrap().name(),
            "United States of America"
        );
        for bad in ["", "de", "DEU", "XX", "D\nE"] {
            assert!(Country::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_select_list_has_every_country_once() {
        let list = all_countries();
        assert!(list.len() >= 249);
        assert!(list.iter().any(|(code, _)| *code == "IN"));
    }
}
