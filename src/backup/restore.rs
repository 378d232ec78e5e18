//! `reportdesk restore FILE`: checks the copy, refuses while a server uses
//! the database, keeps the current file beside it, and puts the copy in place
//! (written under a temporary name, synced, then renamed: never half a file).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::check::{Verified, verify};
use super::server_lock;
use crate::db::Backend;
use crate::settings::sqlite_path;

pub struct Restored {
    pub verified: Verified,
    /// Where the database that was replaced now is, if there was one.
    pub kept: Option<PathBuf>,
}

pub fn restore(database_url: &str, file: &Path, now: i64) -> anyhow::Result<Restored> {
    if Backend::from_url(database_url)? == Backend::Postgres {
        bail!(
            "on PostgreSQL, restore a dump with pg_restore --clean --dbname \"$REPORTDESK_DATABASE_URL\" FILE, with every instance stopped"
        );
    }
    let verified =
        verify(file).with_context(|| format!("{} is not a usable backup", file.display()))?;
    let database = sqlite_path(database_url).context("bad sqlite URL")?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let Some(_lock) = server_lock::exclusive(&database)? else {
        bail!(
            "a reportdesk server is using {}: stop it first (systemctl stop reportdesk)",
            database.display()
        );
    };
    let stamp = jiff::Timestamp::from_second(now)?
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    let incoming = with_suffix(&database, ".restoring");
    std::fs::copy(file, &incoming)
        .with_context(|| format!("cannot write {}", incoming.display()))?;
    std::fs::File::open(&incoming)?.sync_all()?;
    let kept = if database.exists() {
        let kept = with_suffix(&database, &format!(".before-restore-{stamp}"));
        std::fs::rename(&database, &kept)?;
        // The write-ahead log belongs to the file it came with.
        for side in ["-wal", "-shm"] {
            let from = with_suffix(&database, side);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&kept, side))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&incoming, &database)?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(Restored { verified, kept })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
