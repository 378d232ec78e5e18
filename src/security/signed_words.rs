//! A link token carrying a few numbers (ids, an expiry) signed with a key of
//! its own: base64url of the numbers and a 128-bit HMAC-SHA256 tag. A
//! changed byte, a token of another purpose or another key reads as nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const TAG_BYTES: usize = 16;

#[derive(Clone)]
pub struct SignedWords {
    key: [u8; 32],
}

impl std::fmt::Debug for SignedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignedWords { key: *** }")
    }
}

impl SignedWords {
    /// `purpose` names the token kind ("reportdesk quote link v1").
    pub fn new(secret_key: &[u8], purpose: &str) -> Self {
        Self {
            key: super::derived_key::derive(secret_key, purpose),
        }
    }

    fn tag(&self, words: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(words);
        let full = mac.finalize().into_bytes();
        let mut tag = [0; TAG_BYTES];
        tag.copy_from_slice(&full[..TAG_BYTES]);
        tag
    }

    pub fn sign(&self, words: &[i64]) -> String {
        let mut bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        let tag = self.tag(&bytes);
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The `N` numbers of a token signed here; `None` for anything else.
    pub fn verify<const N: usize>(&self, token: &str) -> Option<[i64; N]> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != N * 8 + TAG_BYTES {
            return None;
        }
        let (words, tag) = bytes.split_at(N * 8);
        if !bool::from(self.tag(words).ct_eq(tag)) {
            return None;
        }
        let mut out = [0; N];
        for (i, chunk) in words.chunks_exact(8).enumerate() {
            out[i] = i64::from_be_bytes(chunk.try_into().ok()?);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_reads_back_and_any_changed_byte_or_key_is_refused() {
        let quotes = SignedWords::new(&[9; 64], "quote v1");
        let token = quotes.sign(&[7, 1_800_000_000]);
        assert_eq!(quotes.verify::<2>(&token), Some([7, 1_800_000_000]));
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for i in 0..bytes.len() {
            bytes[i] ^= 1;
            assert_eq!(
                quotes.verify::<2>(&URL_SAFE_NO_PAD.encode(&bytes)),
                None,
                "byte {i}"
            );
            bytes[i] ^= 1;
        }
        assert_eq!(
            SignedWords::new(&[9; 64], "sample v1").verify::<2>(&token),
            None
        );
        assert_eq!(
            SignedWords::new(&[8; 64], "quote v1").verify::<2>(&token),
            None
        );
        assert_eq!(quotes.verify::<3>(&token), None);
        assert_eq!(quotes.verify::<2>("not a token"), None);
    }
}
