//! Rendered report pages kept in memory. A report changes only on import
//! (possibly by another process), so a page is re-checked against the row's
//! `updated_at` at most once a second and re-rendered only when it changed.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// How stale a page may be after an import elsewhere.
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(1);

struct Entry {
    html: Bytes,
    updated_at: i64,
    checked_at: Instant,
}

#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<String, Entry>>,
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
        let cache = PageCache::default();
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
}
