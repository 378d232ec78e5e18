//! How failed logins slow an attacker down without locking the owner out.
//!
//! Failures count per (account, address) and per address. Past a rule's free
//! failures the key is blocked, for twice as long at each further failure up
//! to a cap; attempts while blocked are refused unchecked and count for
//! nothing, so they cannot extend the block. Failures spread over many
//! addresses only slow the account's own logins down (capped), and mail its
//! owner once: a correct password from anywhere else still logs in.

use std::net::IpAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures allowed before the first block.
    pub free_failures: i32,
    pub first_block_seconds: i64,
    pub max_block_seconds: i64,
}

impl Rule {
    /// How long the key is blocked after its `failures`-th failure.
    pub fn block_seconds(&self, failures: i32) -> Option<i64> {
        if failures < self.free_failures {
            return None;
        }
        let doublings = u32::try_from(failures - self.free_failures)
            .unwrap_or(0)
            .min(20);
        Some(
            self.first_block_seconds
                .saturating_mul(1 << doublings)
                .min(self.max_block_seconds),
        )
    }
}

/// One account from one address: the owner mistyping, or a guesser.
pub const PER_ACCOUNT_AND_ADDRESS: Rule = Rule {
    free_failures: 5,
    first_block_seconds: 60,
    max_block_seconds: 15 * 60,
};

/// One address, whatever accounts it tries.
pub const PER_ADDRESS: Rule = Rule {
    free_failures: 20,
    first_block_seconds: 60,
    max_block_seconds: 60 * 60,
};

/// Wrong codes after a right password, per account from any address: the
/// password is known, so the code alone stands; past this, codes are tried
/// slowly: three codes of a million are right at any time, so a guesser
/// needs some 300,000 tries, about nine years at one per 15 minutes.
pub const SECOND_STEP_PER_ACCOUNT: Rule = Rule {
    free_failures: 10,
    first_block_seconds: 60,
    max_block_seconds: 15 * 60,
};

/// Failures older than this start the count afresh.
pub const FORGET_AFTER_SECONDS: i64 = 24 * 60 * 60;

/// Account-wide failures (from any address) past which the account's logins
/// are slowed down, and its owner mailed once.
pub const SLOW_AFTER_FAILURES: i32 = 10;

const MAX_ACCOUNT_DELAY: Duration = Duration::from_secs(4);

/// How long a login to an account with `failures` recent failures waits
/// before its password is checked.
pub fn account_delay(failures: i32) -> Duration {
    if failures < SLOW_AFTER_FAILURES {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - SLOW_AFTER_FAILURES)
        .unwrap_or(0)
        .min(8);
    (Duration::from_millis(250) * (1 << doublings)).min(MAX_ACCOUNT_DELAY)
}

fn address_text(address: Option<IpAddr>) -> String {
    address.map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The key of an (account, address) pair. The typed email is hashed, whether
/// or not an account has it: the table keeps no typed text, and an unknown
/// address is throttled like a known one (the answer does not tell them apart).
pub fn pair_key(email: &str, address: Option<IpAddr>) -> String {
    let account = hex::encode(&Sha256::digest(email.as_bytes())[..16]);
    format!("pair:{account}|{}", address_text(address))
}

pub fn address_key(address: Option<IpAddr>) -> String {
    format!("address:{}", address_text(address))
}

/// The key of an account's second login step.
pub fn second_step_key(user_id: i64) -> String {
    format!("code:{user_id}")
}

/// "1 minute", "15 minutes": how long a throttled person waits.
pub fn wait_text(seconds: i64) -> String {
    let minutes = (seconds.max(1) + 59) / 60;
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_start_after_the_free_failures_and_double_up_to_the_cap() {
        let rule = PER_ACCOUNT_AND_ADDRESS;
        assert_eq!(rule.block_seconds(4), None);
        assert_eq!(rule.block_seconds(5), Some(60));
        assert_eq!(rule.block_seconds(6), Some(120));
        assert_eq!(rule.block_seconds(9), Some(900));
        assert_eq!(rule.block_seconds(500), Some(900));
    }

    #[test]
    fn an_account_under_attack_is_slowed_down_but_never_for_long() {
        assert_eq!(account_delay(9), Duration::ZERO);
        assert_eq!(account_delay(10), Duration::from_millis(250));
        assert_eq!(account_delay(11), Duration::from_millis(500));
        assert_eq!(account_delay(1000), MAX_ACCOUNT_DELAY);
    }

    #[test]
    fn keys_keep_no_typed_address() {
        let key = pair_key("sam@publisher.test", "198.51.100.7".parse().ok());
        assert!(!key.contains("sam"));
        assert!(key.ends_with("|198.51.100.7"));
        assert_eq!(wait_text(61), "2 minutes");
        assert_eq!(wait_text(30), "1 minute");
    }
}
