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

/// Free text (a relay's error, say) with every word that holds an `@`
/// masked: a relay often quotes the recipient back.
pub fn mask_emails_in(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                let trimmed = word.trim_matches(|c: char| "<>()[]\"',;:".contains(c));
                word.replace(trimmed, &mask_email(trimmed))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_quoted_in_free_text_are_masked() {
        assert_eq!(
            mask_emails_in("550 5.1.1 <jane.doe@acme.com>: user unknown"),
            "550 5.1.1 <j***@acme.com>: user unknown"
        );
        assert_eq!(mask_emails_in("timed out"), "timed out");
    }

    #[test]
    fn only_the_first_letter_and_the_domain_remain() {
        assert_eq!(mask_email("jane.doe@acme.com"), "j***@acme.com");
        assert_eq!(mask_email("nonsense"), "***");
        assert_eq!(mask_email("\"Jane Doe\" <jane@acme.com>"), "j***@acme.com");
    }
}
