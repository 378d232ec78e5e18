//! Sample PDFs by version, kept in memory once read: a version never changes
//! (a new file is a new version), so a cached copy is never stale, and a
//! download copies no bytes out of the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;

/// A version as it is sent: its download name and bytes.
pub struct CachedSample {
    /// `<slug>-sample.pdf`.
    pub file_name: String,
    pub bytes: Bytes,
}

/// Versions kept at most; more (a re-import loop) start the cache afresh.
const MAX_VERSIONS: usize = 64;

#[derive(Default)]
pub struct SampleCache {
    versions: Mutex<HashMap<i64, Arc<CachedSample>>>,
}

impl SampleCache {
    pub fn get(&self, sample_id: i64) -> Option<Arc<CachedSample>> {
        let versions = self.versions.lock().unwrap_or_else(|p| p.into_inner());
        versions.get(&sample_id).cloned()
    }

    pub fn put(&self, sample_id: i64, sample: Arc<CachedSample>) {
        let mut versions = self.versions.lock().unwrap_or_else(|p| p.into_inner());
        if versions.len() >= MAX_VERSIONS {
            versions.clear();
        }
        versions.insert(sample_id, sample);
    }
}
