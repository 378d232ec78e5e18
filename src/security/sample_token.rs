//! The token in a sample link (`/samples/{token}`): which link (delivery),
//! lead and sample version, and until when, signed with a key derived from
//! the secret key. A changed byte makes it unknown (404); the expiry is
//! carried in it, and the download count is kept in the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

const CLAIMS_BYTES: usize = 32;
const TAG_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleClaims {
    pub delivery_id: i64,
    pub lead_id: i64,
    pub sample_id: i64,
    pub expires_at: i64,
}

#[derive(Clone)]
pub struct SampleTokens {
    key: Vec<u8>,
}

impl std::fmt::Debug for SampleTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SampleTokens { key: *** }")
    }
}

impl SampleTokens {
    pub fn new(secret_key: &[u8]) -> Self {
        // A key of its own, so a sample token never doubles as another token.
        Self {
            key: super::derived_key::derive(secret_key, "reportdesk sample link v1").to_vec(),
        }
    }

    fn tag(&self, claims: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(claims);
        let full = mac.finalize().into_bytes();
        let mut tag = [0; TAG_BYTES];
        tag.copy_from_slice(&full[..TAG_BYTES]);
        tag
    }

    pub fn sign(&self, claims: &SampleClaims) -> String {
        let mut bytes = Vec::with_capacity(CLAIMS_BYTES + TAG_BYTES);
        for value in [
            claims.delivery_id,
            claims.lead_id,
            claims.sample_id,
            claims.expires_at,
        ] {
            bytes.extend_from_slice(&value.to_be_bytes());
        }
        let tag = self.tag(&bytes);
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The claims of a token we signed; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<SampleClaims> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != CLAIMS_BYTES + TAG_BYTES {
            return None;
        }
        let (claims, tag) = bytes.split_at(CLAIMS_BYTES);
        if !bool::from(self.tag(claims).ct_eq(tag)) {
            return None;
        }
        let value = |i: usize| {
            let mut word = [0; 8];
            word.copy_from_slice(&claims[i * 8..i * 8 + 8]);
            i64::from_be_bytes(word)
        };
        Some(SampleClaims {
            delivery_id: value(0),
            lead_id: value(1),
            sample_id: value(2),
            expires_at: value(3),
        })
    }
}

#[cfg(test)]
mod tests {
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
