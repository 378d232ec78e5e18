//! Phone numbers as people write them: digits with spaces, `+`, `-` and brackets.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Blank means "not given".
    pub fn parse_optional(value: &str) -> Result<Option<Self>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let length = value.chars().count();
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(7..=20).contains(&length) || digits < 7 {
            return Err("Enter a phone number of 7 to 20 characters: digits, spaces, + - ( ), e.g. +44 20 7946 0958".into());
        }
        Ok(Some(Self(value.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_are_accepted() {
        assert!(
            PhoneNumber::parse_optional("+1 (555) 010-2030")
                .unwrap()
                .is_some()
        );
        assert_eq!(PhoneNumber::parse_optional("  ").unwrap(), None);
    }

    #[test]
    fn letters_short_numbers_and_line_breaks_are_refused() {
        for bad in [
            "call me",
            "12345",
            "+44 20 7946 0958 ext 5",
            "0123456\n789",
            "----------",
        ] {
            assert!(PhoneNumber::parse_optional(bad).is_err(), "{bad:?}");
        }
    }
}
