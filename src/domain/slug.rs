//! A report's address: `/reports/{slug}`.

/// Slugs become URL path segments, so they are kept to a plain, stable
/// alphabet: 3–100 characters of a–z, 0–9 and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Option<Self> {
        let plain = (3..=100).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        plain.then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(Slug::parse("global-medical-second-opinion-market").is_some());
        for bad in [
            "Global-Market",
            "a--b",
            "-abc",
            "abc-",
            "ab",
            "a/b/../c",
            "é-abc",
        ] {
            assert_eq!(Slug::parse(bad), None, "{bad}");
        }
        assert_eq!(Slug::parse(&"a".repeat(101)), None);
    }
}
