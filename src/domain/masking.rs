//! Personal data as it may appear in logs: enough to tell two buyers apart,
//! not enough to identify one.

/// `jane.doe@acme.com` → `j***@acme.com`.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
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
    }
}
