//! Time-based one-time codes (RFC 6238) for the second login step: a new
//! secret, what an authenticator app scans, and which 30-second step a typed
//! code belongs to — the caller remembers the step so no code works twice.
//! The codes themselves come from `totp-rs`; what is here is the policy.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use totp_rs::{Algorithm, TOTP};

/// 160 bits, the length RFC 4226 recommends and authenticator apps expect.
pub const SECRET_BYTES: usize = 20;
const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;
/// A code of the step before or after now is taken too: a phone's clock a
/// little off, a code typed as it changed.
const SKEW_STEPS: i64 = 1;
/// The name apps list the account under.
pub const ISSUER: &str = "reportdesk";

pub fn new_secret() -> Vec<u8> {
    rand::random::<[u8; SECRET_BYTES]>().to_vec()
}

fn totp(secret: &[u8], account: &str) -> TOTP {
    // Unchecked: the secret is always ours (160 bits) and an account name
    // with a colon only makes the app's label odd, never a wrong code.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
}

/// The `otpauth://` URL an app scans.
pub fn otpauth_url(secret: &[u8], account: &str) -> String {
    totp(secret, account).get_url()
}

/// The secret in base32, in groups of four, for typing into an app by hand.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = totp(secret, "").get_secret_base32();
    let groups: Vec<String> = encoded
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    groups.join(" ")
}

/// The step a six-digit `code` belongs to, if it is the code of the step now
/// or one either side; spaces in the typed code are ignored.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "");
    let step_seconds = STEP_SECONDS as i64;
    let now_step = now.max(0) / step_seconds;
    (now_step - SKEW_STEPS..=now_step + SKEW_STEPS).find(|step| {
        let expected = totp.generate(u64::try_from(step * step_seconds).unwrap_or(0));
        constant_time_eq(expected.as_bytes(), typed.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Whether a typed code looks like an app's code (digits) rather than a
/// recovery code.
pub fn looks_like_app_code(code: &str) -> bool {
    let digits = code.chars().filter(|c| !c.is_whitespace());
    digits.clone().count() == DIGITS && digits.clone().all(|c| c.is_ascii_digit())
}

/// The URL as an inline SVG QR code, labelled for screen readers; drawn
/// here, so the secret never leaves the server for a QR service.
pub fn qr_svg(url: &str) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)?;
    let drawn = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration, and a name for assistive technology.
    let start = drawn.find("<svg").unwrap_or(0);
    Ok(drawn[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code to add this account to an authenticator app\" ",
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and times (its 8-digit codes end
    /// in the 6 digits checked here).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_test_vectors_match_in_their_own_step_only() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(matching_step(RFC_SECRET, code, time), Some(time / 30));
        }
        // A minute later the 59-second code is two steps old.
        assert_eq!(matching_step(RFC_SECRET, "287082", 59 + 60), None);
    }

    #[test]
    fn a_code_from_the_step_before_or_after_is_taken_with_its_own_step() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let before = totp(&secret, "").generate(u64::try_from(now - 30).unwrap());
        let after = totp(&secret, "").generate(u64::try_from(now + 30).unwrap());
        assert_eq!(matching_step(&secret, &before, now), Some(now / 30 - 1));
        assert_eq!(matching_step(&secret, &after, now), Some(now / 30 + 1));
    }

    #[test]
    fn typed_spaces_are_ignored_and_other_text_is_refused() {
        assert_eq!(matching_step(RFC_SECRET, "287 082", 59), Some(1));
        assert_eq!(matching_step(RFC_SECRET, "28708", 59), None);
        assert_eq!(matching_step(RFC_SECRET, "2870820", 59), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", 59), None);
        assert!(looks_like_app_code("123 456"));
        assert!(!looks_like_app_code("abcde-fghij"));
    }

    #[test]
    fn the_secret_is_shown_in_base32_groups_and_the_url_names_the_account() {
        assert_eq!(
            secret_text(RFC_SECRET),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        let url = otpauth_url(RFC_SECRET, "sam@publisher.test");
        assert!(url.starts_with("otpauth://totp/reportdesk:sam%40publisher.test?"));
        assert!(url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        assert!(url.contains("issuer=reportdesk"));
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_with_a_label() {
        let svg = qr_svg("otpauth://totp/x?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label="));
        assert!(!svg.contains("<?xml"));
    }
}
