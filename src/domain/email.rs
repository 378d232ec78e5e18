//! Email addresses: syntax checked by `validator`, stored as typed (trimmed),
//! matched on the normalised form (lower case) so one person is one contact.

use validator::ValidateEmail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

pub const MAX_EMAIL_CHARS: usize = 254;

/// A domain that can receive mail on the internet: dotted labels of letters,
/// digits and inner hyphens (any script, for IDN), ending in a top-level
/// domain of two or more letters or its punycode form.
fn is_mail_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels.last().copied().unwrap_or_default();
    let tld_ok = (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        || (tld.starts_with("xn--") && tld.len() > 4);
    labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

impl EmailAddress {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("Enter your email address".into());
        }
        if value.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!(
                "Email address must be {MAX_EMAIL_CHARS} characters or fewer"
            ));
        }
        // validator accepts quoted local parts and address literals; a mail
        // header needs none of them, and refusing them removes injection room.
        let plain = !value
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "\"<>,;()[]\\".contains(c));
        let deliverable = value
            .rsplit_once('@')
            .is_some_and(|(_, domain)| is_mail_domain(domain));
        // The domain may be international (it is sent in punycode), but a
        // non-ASCII name before the @ needs SMTPUTF8 at every relay on the way.
        if value
            .rsplit_once('@')
            .is_some_and(|(local, _)| !local.is_ascii())
        {
            return Err(
                "Use only Latin letters, digits and . _ - + before the @ in your email address"
                    .into(),
            );
        }
        if !plain || !value.validate_email() || !deliverable {
            return Err("Enter an email address like name@company.com".into());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key contacts are matched on: trimmed and lower-cased.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part after `@`, lower-cased.
    pub fn domain(&self) -> String {
        self.0
            .rsplit_once('@')
            .map(|(_, d)| d.to_lowercase())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_needs_a_domain_that_can_receive_mail() {
        for bad in [
            "jane.buyer@acme",
            "jane@acme.",
            "jane@.com",
            "jane@acme.c",
            "jane@acme.123",
            "jane@-acme.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "jane@acme.com",
            "jane@sub.acme.co.uk",
            "jane@bücher.de",
            "li@例子.中国",
            "a@b.xn--p1ai",
        ] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            EmailAddress::parse("jörg@bücher.de").unwrap_err(),
            "Use only Latin letters, digits and . _ - + before the @ in your email address"
        );
    }

    #[test]
    fn ordinary_addresses_are_accepted_and_normalised() {
        let email = EmailAddress::parse("  Jane.Doe@Acme.COM ").unwrap();
        assert_eq!(email.as_str(), "Jane.Doe@Acme.COM");
        assert_eq!(email.normalized(), "jane.doe@acme.com");
        assert_eq!(email.domain(), "acme.com");
    }

    #[test]
    fn malformed_and_header_smuggling_addresses_are_refused() {
        for bad in [
            "",
            "jane",
            "jane@",
            "@acme.com",
            "jane@acme",
            "jane doe@acme.com",
            "jane@acme.com\r\nBcc: x@evil.com",
            "jane@acme.com, x@evil.com",
            "\"jane\"@acme.com",
            "Jane <jane@acme.com>",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn overlong_addresses_are_refused() {
        let long = format!("{}@acme.com", "a".repeat(250));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
