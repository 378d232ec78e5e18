//! The token in a sample link (`/samples/{token}`): which link (delivery),
//! lead and sample version, and until when, signed with a key derived from
//! the secret key. A changed byte makes it unknown (404); the expiry is
//! carried in it, and the download count is kept in the database.

use super::signed_words::SignedWords;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleClaims {
    pub delivery_id: i64,
    pub lead_id: i64,
    pub sample_id: i64,
    pub expires_at: i64,
}

/// Four signed numbers (see `signed_words`), under a key of its own so a
/// sample token never doubles as another token.
#[derive(Debug, Clone)]
pub struct SampleTokens(SignedWords);

impl SampleTokens {
    pub fn new(secret_key: &[u8]) -> Self {
        Self(SignedWords::new(secret_key, "reportdesk sample link v1"))
    }

    pub fn sign(&self, claims: &SampleClaims) -> String {
        self.0.sign(&[
            claims.delivery_id,
            claims.lead_id,
            claims.sample_id,
            claims.expires_at,
        ])
    }

    /// The claims of a token we signed; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<SampleClaims> {
        let [delivery_id, lead_id, sample_id, expires_at] = self.0.verify::<4>(token)?;
        Some(SampleClaims {
            delivery_id,
            lead_id,
            sample_id,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const CLAIMS: SampleClaims = SampleClaims {
        delivery_id: 7,
        lead_id: 42,
        sample_id: 3,
        expires_at: 1_800_000_000,
    };

    #[test]
    fn a_signed_token_reads_back_and_any_changed_byte_is_refused() {
        let tokens = SampleTokens::new(&[9; 64]);
        let token = tokens.sign(&CLAIMS);
        assert_eq!(tokens.verify(&token), Some(CLAIMS));
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for i in 0..bytes.len() {
            bytes[i] ^= 1;
            assert_eq!(
                tokens.verify(&URL_SAFE_NO_PAD.encode(&bytes)),
                None,
                "byte {i}"
            );
            bytes[i] ^= 1;
        }
        assert_eq!(SampleTokens::new(&[8; 64]).verify(&token), None);
        assert_eq!(tokens.verify("not a token"), None);
    }
}
