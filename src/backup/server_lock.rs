//! Which SQLite files a server is using: each server holds a shared `flock`
//! on `<database>.lock` for its whole life (several instances may share a
//! file); `restore` takes it exclusively, so it refuses while any server runs.
//! The kernel drops the lock when the process ends, however it ends.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Held while the process uses the database.
pub struct ServerLock {
    _file: File,
}

fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open(database: &Path) -> anyhow::Result<File> {
    let path = lock_path(database);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))
}

fn try_lock(file: &File, exclusive: bool) -> bool {
    let mode = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    // SAFETY: flock on a descriptor this process owns; no memory is shared.
    unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) == 0 }
}

/// A server's hold on its database, taken at start. Fails only while a
/// restore is putting a file in place.
pub fn hold(database: &Path) -> anyhow::Result<ServerLock> {
    let file = open(database)?;
    if !try_lock(&file, false) {
        anyhow::bail!(
            "{} is being restored; start again when that is done",
            database.display()
        );
    }
    Ok(ServerLock { _file: file })
}

/// The exclusive hold a restore needs; `None` while a server runs on it.
pub fn exclusive(database: &Path) -> anyhow::Result<Option<ServerLock>> {
    let file = open(database)?;
    Ok(try_lock(&file, true).then_some(ServerLock { _file: file }))
}
