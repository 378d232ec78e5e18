//! Protections: response headers, form tokens, client addresses, rate limits.

pub mod address_guard;
pub mod client_ip;
pub mod csrf;
pub mod derived_key;
pub mod form_token;
pub mod headers;
pub mod login_throttle;
pub mod password;
pub mod rate_limit;
pub mod reply_address;
pub mod return_path;
pub mod sample_token;
pub mod session;
pub mod signed_words;
pub mod totp;
pub mod two_factor_keys;
pub mod webhook_signature;
