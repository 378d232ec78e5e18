//! What two-factor login keeps secret at rest. The TOTP secret must be read
//! back to check codes, so it is sealed (AES-256-GCM, bound to its user so a
//! sealed value copied to another row does not open); recovery codes are
//! only compared, so they are kept as keyed hashes. Both keys derive from
//! the secret key: a copy of the database alone opens neither.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::derived_key::derive;

/// Recovery codes per enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Ten characters of 32 (50 bits): beyond guessing under the login throttle.
const RECOVERY_CODE_CHARS: usize = 10;
/// No 0/o, 1/l/i: codes are read off paper.
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789-";
const SEALED_PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 12;

pub struct TwoFactorKeys {
    cipher: Aes256Gcm,
    recovery_key: [u8; 32],
}

impl std::fmt::Debug for TwoFactorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorKeys { keys: *** }")
    }
}

fn bound_to(user_id: i64) -> Vec<u8> {
    format!("reportdesk totp secret of user {user_id}").into_bytes()
}

impl TwoFactorKeys {
    pub fn new(secret_key: &[u8]) -> Self {
        let seal_key = derive(secret_key, "reportdesk totp seal v1");
        Self {
            cipher: Aes256Gcm::new(&seal_key.into()),
            recovery_key: derive(secret_key, "reportdesk recovery code v1"),
        }
    }

    /// The secret sealed for storage: `v1.` and base64url(nonce ‖ ciphertext).
    pub fn seal(&self, user_id: i64, secret: &[u8]) -> anyhow::Result<String> {
        let nonce_bytes: [u8; NONCE_BYTES] = rand::random();
        let aad = bound_to(user_id);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: secret,
                    aad: &aad,
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing the TOTP secret failed"))?;
        let mut bytes = nonce_bytes.to_vec();
        bytes.extend(sealed);
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The secret, or `None` when the value was altered, belongs to another
    /// user, or was sealed under another secret key.
    pub fn open(&self, user_id: i64, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD
            .decode(sealed.strip_prefix(SEALED_PREFIX)?)
            .ok()?;
        if bytes.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let aad = bound_to(user_id);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
    }

    /// The stored form of a recovery code, however it was typed (case,
    /// spaces and dashes do not matter).
    pub fn recovery_hash(&self, code: &str) -> String {
        let typed: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.recovery_key)
            .expect("HMAC takes any key length");
        mac.update(typed.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Ten fresh recovery codes, `abcde-fghjk`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..RECOVERY_CODE_CHARS)
                .map(|_| {
                    // 31 letters and digits; the alphabet's last place is the dash.
                    let index = rand::random_range(0..RECOVERY_ALPHABET.len() - 1);
                    char::from(RECOVERY_ALPHABET[index])
                })
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_for_its_user_only_and_only_under_its_key() {
        let keys = TwoFactorKeys::new(&[1u8; 64]);
        let sealed = keys.seal(7, b"twenty bytes secret!").unwrap();
        assert!(!sealed.contains("twenty"));
        assert_eq!(keys.open(7, &sealed).unwrap(), b"twenty bytes secret!");
        assert_eq!(keys.open(8, &sealed), None);
        assert_eq!(TwoFactorKeys::new(&[2u8; 64]).open(7, &sealed), None);
        let mut altered = sealed.clone();
        altered.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert_eq!(keys.open(7, &altered), None);
        assert_eq!(keys.open(7, "v1."), None);
        assert_eq!(keys.open(7, "plain"), None);
        // A fresh nonce each time: the same secret never seals the same way.
        assert_ne!(keys.seal(7, b"twenty bytes secret!").unwrap(), sealed);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_match_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let keys = TwoFactorKeys::new(&[1u8; 64]);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        let hash = keys.recovery_hash(code);
        assert_eq!(keys.recovery_hash(&code.to_uppercase()), hash);
        assert_eq!(keys.recovery_hash(&code.replace('-', " ")), hash);
        assert_ne!(keys.recovery_hash(&codes[1]), hash);
        assert_ne!(TwoFactorKeys::new(&[2u8; 64]).recovery_hash(code), hash);
    }
}
