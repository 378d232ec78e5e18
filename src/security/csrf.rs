//! Session-bound CSRF tokens for every admin form.

/// A fresh random token (hex).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Compares in constant time, so response timing tells nothing about how much
/// of a guessed token was right.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let token = new_token();
        assert!(tokens_match(&token, &token.clone()));
        assert!(!tokens_match(&token, &token[..63]));
        assert!(!tokens_match(&token, &new_token()));
        assert!(!tokens_match("", ""));
    }
}
