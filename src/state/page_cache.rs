//! Rendered report pages (and share images) kept in memory. A report changes
//! only on import (possibly by another process), so a page is re-checked
//! against its version at most once a second and re-rendered only when it
//! changed. The cache holds a bounded number: a catalogue of thousands of
//! reports must not hold every page it ever served.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// Report pages kept (in each currency asked for): ~100 KiB each.
pub const REPORT_PAGES: usize = 500;
/// Share images kept: ~50 KiB each, asked for by link previews.
pub const SHARE_IMAGES: usize = 200;

/// How stale a page may be after an import elsewhere.
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

struct Entry {
    html: Bytes,
    updated_at: i64,
    checked_at: Instant,
}

pub struct PageCache {
    pages: RwLock<HashMap<String, Entry>>,
    capacity: usize,
}

pub enum Lookup {
    /// Fresh enough to serve as is.
    Fresh(Bytes),
    /// Cached for this version; serve if the row still has it.
    Check {
        html: Bytes,
        updated_at: i64,
    },
    Missing,
}

impl PageCache {
    /// A cache of at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            pages: RwLock::default(),
            capacity: capacity.max(1),
        }
    }

    pub fn lookup(&self, slug: &str, now: Instant) -> Lookup {
        {
            let pages = self.pages.read().unwrap_or_else(|p| p.into_inner());
            match pages.get(slug) {
                Some(entry) if now.duration_since(entry.checked_at) < REVALIDATE_AFTER => {
                    return Lookup::Fresh(entry.html.clone());
                }
                Some(_) => {}
                None => return Lookup::Missing,
            }
        }
        // Due for a check: the first caller makes it, and the page counts as
        // checked from now, so the requests arriving meanwhile are served from
        // memory instead of all asking the database at once.
        let mut pages = self.pages.write().unwrap_or_else(|p| p.into_inner());
        match pages.get_mut(slug) {
            Some(entry) if now.duration_since(entry.checked_at) < REVALIDATE_AFTER => {
                Lookup::Fresh(entry.html.clone())
            }
            Some(entry) => {
                entry.checked_at = now;
                Lookup::Check {
                    html: entry.html.clone(),
                    updated_at: entry.updated_at,
                }
            }
            None => Lookup::Missing,
        }
    }

    pub fn store(&self, slug: &str, html: Bytes, updated_at: i64, now: Instant) {
        let mut pages = self.pages.write().unwrap_or_else(|p| p.into_inner());
        if pages.len() >= self.capacity && !pages.contains_key(slug) {
            // Full: one entry makes room, the least recently checked — the
            // pages read most are checked every second and stay.
            if let Some(oldest) = pages
                .iter()
                .min_by_key(|(_, entry)| entry.checked_at)
                .map(|(key, _)| key.clone())
            {
                pages.remove(&oldest);
            }
        }
        pages.insert(
            slug.to_owned(),
            Entry {
                html,
                updated_at,
                checked_at: now,
            },
        );
    }

    pub fn forget(&self, slug: &str) {
        self.pages
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(slug);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_from_memory_until_it_needs_a_check() {
        let cache = PageCache::new(10);
        let start = Instant::now();
        assert!(matches!(cache.lookup("r", start), Lookup::Missing));
        cache.store("r", Bytes::from_static(b"<html>"), 7, start);
        assert!(matches!(
            cache.lookup("r", start + Duration::from_millis(500)),
            Lookup::Fresh(_)
        ));
        assert!(matches!(
            cache.lookup("r", start + Duration::from_secs(2)),
            Lookup::Check { updated_at: 7, .. }
        ));
        assert!(
            matches!(
                cache.lookup("r", start + Duration::from_secs(2)),
                Lookup::Fresh(_)
            ),
            "one caller checks; the others are served meanwhile"
        );
        cache.forget("r");
        assert!(matches!(cache.lookup("r", start), Lookup::Missing));
    }

    #[test]
    fn a_full_cache_makes_room_by_dropping_the_page_checked_longest_ago() {
        let cache = PageCache::new(2);
        let start = Instant::now();
        cache.store("a", Bytes::from_static(b"a"), 1, start);
        cache.store(
            "b",
            Bytes::from_static(b"b"),
            1,
            start + Duration::from_secs(1),
        );
        cache.store(
            "c",
            Bytes::from_static(b"c"),
            1,
            start + Duration::from_secs(2),
        );
        assert!(matches!(cache.lookup("a", start), Lookup::Missing));
        assert!(!matches!(cache.lookup("b", start), Lookup::Missing));
        assert!(!matches!(cache.lookup("c", start), Lookup::Missing));
    }
}
