//! Backups: `reportdesk backup --to DIR` takes a consistent copy while the
//! server runs (SQLite: `VACUUM INTO`, a transaction's snapshot written as a
//! compact new file; PostgreSQL: `pg_dump -Fc`), keeps the newest N, and says
//! what it holds; `backup verify` checks one; `restore` puts one in place.

pub mod check;
pub mod cli;
pub mod restore;
pub mod server_lock;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

use crate::db::Backend;
use crate::settings::sqlite_path;

/// Backup files are named `reportdesk-YYYYMMDD-HHMMSS.<ext>`: they sort by age.
const PREFIX: &str = "reportdesk-";

pub struct Taken {
    pub file: PathBuf,
    /// What the copy holds: (table, rows); empty for a PostgreSQL dump.
    pub counts: Vec<(&'static str, i64)>,
    pub removed: Vec<PathBuf>,
}

pub fn take(database_url: &str, dir: &Path, keep: usize, now: i64) -> anyhow::Result<Taken> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = jiff::Timestamp::from_second(now)?
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    let (file, counts) = match Backend::from_url(database_url)? {
        Backend::Sqlite => {
            let file = dir.join(format!("{PREFIX}{stamp}.sqlite3"));
            copy_sqlite(database_url, &file)?;
            let counts = check::verify(&file)?.counts;
            (file, counts)
        }
        Backend::Postgres => {
            let file = dir.join(format!("{PREFIX}{stamp}.dump"));
            dump_postgres(database_url, &file)?;
            (file, Vec::new())
        }
    };
    let removed = prune(dir, keep, &file)?;
    Ok(Taken {
        file,
        counts,
        removed,
    })
}

fn copy_sqlite(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let source = sqlite_path(database_url).context("bad sqlite URL")?;
    if !source.exists() {
        bail!("there is no database at {}", source.display());
    }
    if file.exists() {
        bail!("{} exists already", file.display());
    }
    let mut conn = SqliteConnection::establish(&source.to_string_lossy())
        .with_context(|| format!("cannot open {}", source.display()))?;
    let target = file.to_string_lossy().replace('\'', "''");
    // A busy writer makes VACUUM INTO wait its turn rather than fail.
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = 30000; VACUUM INTO '{target}';"
    ))
    .context("the copy failed")?;
    Ok(())
}

/// PostgreSQL's own tool makes the copy; without it, say what to run.
fn dump_postgres(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let ran = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(file)
        .arg(database_url)
        .status();
    match ran {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("pg_dump failed ({status}); nothing was kept"),
        Err(_) => bail!(
            "pg_dump is not installed (apt-get install postgresql-client); run `pg_dump -Fc -f {} \"$REPORTDESK_DATABASE_URL\"` where it is",
            file.display()
        ),
    }
}

/// Keeps the newest `keep` backups in `dir` (never the one just taken).
fn prune(dir: &Path, keep: usize, taken: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(PREFIX) && (n.ends_with(".sqlite3") || n.ends_with(".dump"))
            })
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for old in files.into_iter().take(excess).filter(|f| f != taken) {
        std::fs::remove_file(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        removed.push(old);
    }
    Ok(removed)
}
