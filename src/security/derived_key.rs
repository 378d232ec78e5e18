//! Keys of their own, derived from the one secret key: a value made for one
//! purpose (a form token, a sample link, a sealed TOTP secret) can never pass
//! as another's.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 of the purpose's label under the secret key: 32 bytes.
pub fn derive(secret_key: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_gets_a_different_key_from_the_same_secret() {
        let secret = [7u8; 64];
        assert_ne!(derive(&secret, "a v1"), derive(&secret, "b v1"));
        assert_eq!(derive(&secret, "a v1"), derive(&secret, "a v1"));
        assert_ne!(derive(&secret, "a v1"), derive(&[8u8; 64], "a v1"));
    }
}
