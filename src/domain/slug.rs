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

    /// The slug of a name ("Healthcare & Life Sciences" →
    /// `healthcare-life-sciences`): ASCII letters and digits, the rest
    /// hyphens; `None` when too little is left.
    pub fn from_name(name: &str) -> Option<Self> {
        let mut slug = String::new();
        for c in name.trim().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let cut: String = slug.chars().take(100).collect();
        Self::parse(cut.trim_end_matches('-'))
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

    #[test]
    fn a_name_becomes_its_slug() {
        let slug = |name| Slug::from_name(name).map(|s| s.as_str().to_owned());
        assert_eq!(
            slug("Healthcare & Life Sciences").as_deref(),
            Some("healthcare-life-sciences")
        );
        assert_eq!(slug("  ICT ").as_deref(), Some("ict"));
        assert_eq!(slug("A+"), None);
    }
}
