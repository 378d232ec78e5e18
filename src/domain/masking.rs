//! Personal data as it may appear in logs: enough to tell two buyers apart,
//! not enough to identify one.

/// `jane.doe@acme.com` → `j***@acme.com`; a mailbox `"Jane" <jane@acme.com>`
/// is reduced to its masked address, the name dropped.
pub fn mask_email(email: &str) -> String {
    let address = match (email.rfind('<'), email.rfind('>')) {
        (Some(start), Some(end)) if start < end => &email[start + 1..end],
        _ => email,
    };
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_letter_and_the_domain_remain() {
        assert_eq!(mask_email("jane.doe@acme.com"), "j***@acme.com");
        assert_eq!(mask_email("nonsense"), "***");
        assert_eq!(mask_email("\"Jane Doe\" <jane@acme.com>"), "j***@acme.com");
    }
}
