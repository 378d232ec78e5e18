//! `reportdesk backup verify FILE`: SQLite's integrity check, the migrations
//! level against this build, and what the copy holds.

use std::path::Path;

use anyhow::{Context, bail};
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

/// The tables whose rows a backup report counts.
pub const COUNTED: [&str; 7] = [
    "reports",
    "users",
    "contacts",
    "leads",
    "lead_events",
    "outbox",
    "webhook_deliveries",
];

pub struct Verified {
    pub counts: Vec<(&'static str, i64)>,
    /// Migrations this build has that the copy has not (applied at start).
    pub migrations_behind: usize,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

pub fn verify(file: &Path) -> anyhow::Result<Verified> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let mut head = [0u8; 16];
    std::io::Read::read_exact(&mut std::fs::File::open(file)?, &mut head)
        .with_context(|| format!("{} is too short to be a database", file.display()))?;
    if &head != b"SQLite format 3\0" {
        bail!(
            "{} is not a SQLite database (a PostgreSQL dump is checked with pg_restore --list)",
            file.display()
        );
    }
    let url = format!("file:{}?mode=ro", file.display());
    let mut conn = SqliteConnection::establish(&url)
        .with_context(|| format!("cannot open {}", file.display()))?;
    let checks: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn)?;
    let problems: Vec<String> = checks
        .into_iter()
        .map(|c| c.integrity_check)
        .filter(|c| c != "ok")
        .collect();
    if !problems.is_empty() {
        bail!("integrity check failed: {}", problems.join("; "));
    }
    let migrations_behind = crate::db::sqlite_migrations_behind(&mut conn)?;
    let mut counts = Vec::new();
    for table in COUNTED {
        let count: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result(&mut conn)
            .with_context(|| format!("cannot count its {table}"))?;
        counts.push((table, count.n));
    }
    Ok(Verified {
        counts,
        migrations_behind,
    })
}
