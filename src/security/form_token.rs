//! The hidden `form_token` on every lead form: which form (kind and report),
//! when it was served, and when the buyer first opened it, signed with the
//! secret key (HMAC-SHA256). It proves the POST comes from a form we served,
//! dates the buyer's first look for the fill-time spam check (a form shown
//! again after a mistake keeps it), and, hashed, makes a resubmission of the
//! same form idempotent.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::lead_kind::LeadKind;

type HmacSha256 = Hmac<Sha256>;

/// How long a served form may be submitted.
pub const TOKEN_LIFETIME_SECONDS: i64 = 24 * 60 * 60;
/// Clocks of several instances may differ a little.
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub issued_at: i64,
    /// When the buyer first opened this form: the time of the first page,
    /// carried through every page shown again after a mistake.
    pub opened_at: i64,
    /// SHA-256 of the whole token, stored as `leads.form_token_hash`.
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the form token is missing, altered or for another form")]
    Invalid,
    #[error("the form was served more than 24 hours ago")]
    Expired {
        /// Still signed, so still known: a person took this long.
        opened_at: i64,
    },
}

pub struct FormTokens {
    key: Vec<u8>,
}

impl FormTokens {
    pub fn new(secret_key: &[u8]) -> Self {
        // A key of its own, so a form token can never double as a cookie signature.
        Self {
            key: super::derived_key::derive(secret_key, "reportdesk form token v1").to_vec(),
        }
    }

    /// A token for a form opened now.
    pub fn issue(&self, kind: LeadKind, report_id: i64, now: i64) -> String {
        self.reissue(kind, report_id, now, now)
    }

    /// A token for a form shown again, first opened at `opened_at`:
    /// `v2.{kind}.{report_id}.{issued_at}.{opened_at}.{nonce}.{signature}`.
    pub fn reissue(&self, kind: LeadKind, report_id: i64, now: i64, opened_at: i64) -> String {
        let nonce = hex::encode(rand::random::<[u8; 12]>());
        let opened_at = opened_at.min(now);
        let payload = format!("v2.{}.{report_id}.{now}.{opened_at}.{nonce}", kind.as_db());
        let signature = hex::encode(self.sign(&payload));
        format!("{payload}.{signature}")
    }

    pub fn verify(
        &self,
        token: &str,
        kind: LeadKind,
        report_id: i64,
        now: i64,
    ) -> Result<VerifiedToken, TokenError> {
        let (payload, signature) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let signature = hex::decode(signature).map_err(|_| TokenError::Invalid)?;
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::Invalid)?;

        let parts: Vec<&str> = payload.split('.').collect();
        // v1 tokens (forms served before v2) were opened when issued.
        let (token_kind, token_report, issued_at, opened_at) = match parts[..] {
            ["v1", kind, report, issued_at, _nonce] => (kind, report, issued_at, issued_at),
            ["v2", kind, report, issued_at, opened_at, _nonce] => {
                (kind, report, issued_at, opened_at)
            }
            _ => return Err(TokenError::Invalid),
        };
        let time = |value: &str| value.parse::<i64>().map_err(|_| TokenError::Invalid);
        let (issued_at, opened_at) = (time(issued_at)?, time(opened_at)?);
        if token_kind != kind.as_db() || token_report != report_id.to_string() {
            return Err(TokenError::Invalid);
        }
        if issued_at > now + CLOCK_SKEW_SECONDS || opened_at > issued_at {
            return Err(TokenError::Invalid);
        }
        if now - issued_at > TOKEN_LIFETIME_SECONDS {
            return Err(TokenError::Expired { opened_at });
        }
        Ok(VerifiedToken {
            issued_at,
            opened_at,
            hash: hex::encode(Sha256::digest(token.as_bytes())),
        })
    }

    fn sign(&self, payload: &str) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn tokens() -> FormTokens {
        FormTokens::new(&[7u8; 64])
    }

    #[test]
    fn a_fresh_token_verifies_for_its_own_form() {
        let token = tokens().issue(LeadKind::Discount, 3, NOW);
        let verified = tokens()
            .verify(&token, LeadKind::Discount, 3, NOW + 10)
            .unwrap();
        assert_eq!(verified.issued_at, NOW);
        assert_eq!(verified.hash.len(), 64);
    }

    #[test]
    fn a_token_for_another_form_or_report_is_refused() {
        let token = tokens().issue(LeadKind::Discount, 3, NOW);
        assert_eq!(
            tokens().verify(&token, LeadKind::Inquiry, 3, NOW),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            tokens().verify(&token, LeadKind::Discount, 4, NOW),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn a_forged_or_altered_token_is_refused() {
        let token = tokens().issue(LeadKind::Inquiry, 1, NOW);
        let altered = token.replacen(&NOW.to_string(), &(NOW + 5).to_string(), 1);
        assert_eq!(
            tokens().verify(&altered, LeadKind::Inquiry, 1, NOW + 5),
            Err(TokenError::Invalid)
        );
        let other_key = FormTokens::new(&[8u8; 64]).issue(LeadKind::Inquiry, 1, NOW);
        assert_eq!(
            tokens().verify(&other_key, LeadKind::Inquiry, 1, NOW),
            Err(TokenError::Invalid)
        );
        for junk in [
            "",
            "v1",
            "....",
            "v1.inquiry.1.x.y.zz",
            "v2.inquiry.1.5.x.y.zz",
        ] {
            assert_eq!(
                tokens().verify(junk, LeadKind::Inquiry, 1, NOW),
                Err(TokenError::Invalid)
            );
        }
    }

    #[test]
    fn a_token_older_than_a_day_has_expired() {
        let token = tokens().issue(LeadKind::SampleRequest, 1, NOW);
        assert!(
            tokens()
                .verify(
                    &token,
                    LeadKind::SampleRequest,
                    1,
                    NOW + TOKEN_LIFETIME_SECONDS
                )
                .is_ok()
        );
        assert_eq!(
            tokens().verify(
                &token,
                LeadKind::SampleRequest,
                1,
                NOW + TOKEN_LIFETIME_SECONDS + 1
            ),
            Err(TokenError::Expired { opened_at: NOW })
        );
    }

    #[test]
    fn a_form_shown_again_keeps_the_time_it_was_first_opened() {
        let again = tokens().reissue(LeadKind::Inquiry, 1, NOW + 40, NOW);
        let verified = tokens()
            .verify(&again, LeadKind::Inquiry, 1, NOW + 41)
            .unwrap();
        assert_eq!((verified.issued_at, verified.opened_at), (NOW + 40, NOW));
        let future = tokens().reissue(LeadKind::Inquiry, 1, NOW, NOW + 999);
        let verified = tokens().verify(&future, LeadKind::Inquiry, 1, NOW).unwrap();
        assert_eq!(verified.opened_at, NOW, "never later than served");
    }

    #[test]
    fn two_tokens_for_the_same_form_differ() {
        assert_ne!(
            tokens().issue(LeadKind::Inquiry, 1, NOW),
            tokens().issue(LeadKind::Inquiry, 1, NOW)
        );
    }
}
