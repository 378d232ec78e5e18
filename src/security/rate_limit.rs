//! Per-client limits (form submissions, logins, confirmation mails): a fixed
//! window per IP.
//! In memory, per instance: it stops floods from one address; it is not an
//! accounting system.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Above this many tracked addresses, expired windows are swept on insert, so
/// a spray of addresses cannot grow the map without bound.
const SWEEP_THRESHOLD: usize = 10_000;

/// Counts per key: a client's address, or an API token's id.
pub struct RateLimiter<K = IpAddr> {
    per_window: u32,
    window_seconds: i64,
    windows: Mutex<HashMap<K, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    started_at: i64,
    count: u32,
}

impl<K: Eq + std::hash::Hash> RateLimiter<K> {
    pub fn new(per_minute: u32) -> Self {
        Self::per_window(per_minute, 60)
    }

    /// At most `per_window` per `window_seconds` per address.
    pub fn per_window(per_window: u32, window_seconds: i64) -> Self {
        Self {
            per_window,
            window_seconds,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request. `Err(seconds)` says how long to wait when over the limit.
    pub fn check(&self, ip: K, now: i64) -> Result<(), i64> {
        // A poisoned lock only means another request panicked mid-update; the
        // counts are still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= SWEEP_THRESHOLD {
            windows.retain(|_, w| now - w.started_at < self.window_seconds);
        }
        let window = windows.entry(ip).or_insert(Window {
            started_at: now,
            count: 0,
        });
        if now - window.started_at >= self.window_seconds {
            *window = Window {
                started_at: now,
                count: 0,
            };
        }
        if window.count >= self.per_window {
            return Err((window.started_at + self.window_seconds - now).max(1));
        }
        window.count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_over_the_limit_wait_for_the_window_to_end() {
        let limiter: RateLimiter = RateLimiter::new(2);
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        assert!(limiter.check(ip, 100).is_ok());
        assert!(limiter.check(ip, 110).is_ok());
        assert_eq!(limiter.check(ip, 130), Err(30));
        assert!(limiter.check(ip, 160).is_ok());
    }

    #[test]
    fn each_address_has_its_own_budget() {
        let limiter: RateLimiter = RateLimiter::new(1);
        assert!(limiter.check("203.0.113.1".parse().unwrap(), 0).is_ok());
        assert!(limiter.check("203.0.113.2".parse().unwrap(), 0).is_ok());
        assert!(limiter.check("203.0.113.1".parse().unwrap(), 0).is_err());
    }
}
