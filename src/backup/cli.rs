//! What `reportdesk backup` and `reportdesk restore` print.

use std::path::Path;

use anyhow::bail;

use super::check::verify;
use super::restore::restore;
use crate::db::now_unix;
use crate::settings::Settings;

fn counts_line(counts: &[(&str, i64)]) -> String {
    counts
        .iter()
        .map(|(table, n)| format!("{table} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn backup(settings: &Settings, to: Option<&Path>, keep: usize) -> anyhow::Result<()> {
    let Some(dir) = to else {
        bail!("say where the copy goes: reportdesk backup --to DIR");
    };
    let taken = super::take(&settings.database_url, dir, keep, now_unix())?;
    println!("backup written: {}", taken.file.display());
    // The metrics' last-backup age counts this one too.
    let pool = crate::db::connect(&settings.database_url, 1)?;
    let file = taken.file.display().to_string();
    crate::db::models::backup_run::record(&mut *pool.get()?, None, &file, now_unix())?;
    if taken.counts.is_empty() {
        println!("made by pg_dump (custom format); restore it with pg_restore");
    } else {
        println!("holds: {}", counts_line(&taken.counts));
    }
    for old in &taken.removed {
        println!("removed (keeping the newest {keep}): {}", old.display());
    }
    println!(
        "keep the secret key with it (REPORTDESK_SECRET_KEY or data/secret.key): without it, sessions and links made before cannot be read"
    );
    Ok(())
}

pub fn check(file: &Path) -> anyhow::Result<()> {
    let verified = verify(file)?;
    println!("{}: integrity ok", file.display());
    match verified.migrations_behind {
        0 => println!("migrations: up to date"),
        n => println!("migrations: {n} behind this version (applied when a server starts on it)"),
    }
    println!("holds: {}", counts_line(&verified.counts));
    Ok(())
}

pub fn put_back(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let restored = restore(&settings.database_url, file, now_unix())?;
    println!(
        "restored {} (holds: {})",
        file.display(),
        counts_line(&restored.verified.counts)
    );
    if let Some(kept) = restored.kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}
