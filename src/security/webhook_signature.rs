//! Webhook signing as the Standard Webhooks specification has it, so a
//! receiver can verify with the spec's libraries in any language: the secret
//! is `whsec_` + base64 key bytes; each delivery's `webhook-signature` is
//! `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";
/// 32 random bytes: the spec asks for 24 to 64.
const KEY_BYTES: usize = 32;

/// A fresh endpoint secret, shown to the admin once.
pub fn new_secret() -> String {
    let mut key = [0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// A fresh delivery id (`webhook-id`): the receiver's idempotency key, the
/// same on every attempt of the delivery.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("msg_{}", hex::encode(bytes))
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a webhook secret is whsec_ followed by base64")]
pub struct BadSecret;

/// The `webhook-signature` header's value for one attempt.
pub fn sign(
    secret: &str,
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, BadSecret> {
    let encoded = secret.strip_prefix(PREFIX).ok_or(BadSecret)?;
    let key = STANDARD.decode(encoded).map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in the Standard Webhooks specification's README.
    #[test]
    fn the_specifications_example_signs_to_its_published_signature() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_new_secret_signs_and_differs_each_time() {
        let (one, two) = (new_secret(), new_secret());
        assert_ne!(one, two);
        assert!(sign(&one, "msg_1", 1, b"{}").unwrap().starts_with("v1,"));
    }

    #[test]
    fn a_secret_without_its_prefix_or_base64_is_refused() {
        assert_eq!(sign("MfKQ9r8GKYqrTwjU", "msg_1", 1, b"{}"), Err(BadSecret));
        assert_eq!(sign("whsec_%%%", "msg_1", 1, b"{}"), Err(BadSecret));
    }
}
