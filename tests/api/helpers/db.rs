//! A fresh, empty database per test, on either backend.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reportdesk::db::{self, Backend, Pool};
use tempfile::TempDir;

/// A fresh, empty database for one test: a SQLite file in a temp folder, or a
/// uniquely named PostgreSQL database.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    pub dir: TempDir,
    postgres_admin_url: Option<String>,
    database_name: Option<String>,
}

impl TestDatabase {
    /// `None` when the backend is PostgreSQL and this run has no server.
    pub async fn create(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(Self {
                backend,
                url: format!(
                    "sqlite://{}",
                    dir.path().join("reportdesk.sqlite3").display()
                ),
                dir,
                postgres_admin_url: None,
                database_name: None,
            }),
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let name = format!("reportdesk_test_{}", random_hex(8));
                let create = format!("CREATE DATABASE {name}");
                let admin_for_task = admin.clone();
                tokio::task::spawn_blocking(move || {
                    let mut conn = PgConnection::establish(&admin_for_task).expect(
                        "REPORTDESK_TEST_POSTGRES_URL is set but PostgreSQL does not answer",
                    );
                    conn.batch_execute(&create).expect("create test database");
                })
                .await
                .unwrap();
                Some(Self {
                    backend,
                    url: with_database(&admin, &name),
                    dir,
                    postgres_admin_url: Some(admin),
                    database_name: Some(name),
                })
            }
        }
    }

    pub fn pool(&self) -> Pool {
        db::connect(&self.url, 2).expect("test pool")
    }

    /// Makes the database unreachable: the SQLite file is removed, the
    /// PostgreSQL database is dropped with its connections.
    pub async fn destroy(&self) {
        match self.backend {
            Backend::Sqlite => {
                std::fs::remove_file(self.dir.path().join("reportdesk.sqlite3")).unwrap()
            }
            Backend::Postgres => {
                let admin = self.postgres_admin_url.clone().unwrap();
                let drop = format!(
                    "DROP DATABASE {} WITH (FORCE)",
                    self.database_name.as_deref().unwrap()
                );
                tokio::task::spawn_blocking(move || {
                    let mut conn = PgConnection::establish(&admin).unwrap();
                    conn.batch_execute(&drop).unwrap();
                })
                .await
                .unwrap();
            }
        }
    }
}

impl TestDatabase {
    /// The same database for a second instance: its own temporary folder,
    /// and stopping it leaves the database to the first.
    pub fn same(&self) -> Self {
        Self {
            backend: self.backend,
            url: self.url.clone(),
            dir: tempfile::tempdir().expect("temp dir"),
            postgres_admin_url: None,
            database_name: None,
        }
    }

    /// Drops a PostgreSQL test database once its test is done with it (a
    /// SQLite file goes with its temporary folder). Quietly: a test may have
    /// dropped it already.
    pub async fn remove(&self) {
        let (Some(admin), Some(name)) =
            (self.postgres_admin_url.clone(), self.database_name.clone())
        else {
            return;
        };
        let dropped = tokio::task::spawn_blocking(move || {
            let mut conn = PgConnection::establish(&admin).ok()?;
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .ok()
        })
        .await;
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop a PostgreSQL test database");
        }
    }
}

/// The PostgreSQL server to create test databases on, if this run has one.
/// `REPORTDESK_TEST_REQUIRE_POSTGRES=1` (set by `.ci/run`) turns a missing server
/// into a failure, so CI can never pass by skipping.
fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("REPORTDESK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let required = std::env::var("REPORTDESK_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1");
    match url {
        Some(url) => Some(url),
        None if required => {
            panic!("REPORTDESK_TEST_REQUIRE_POSTGRES=1 but REPORTDESK_TEST_POSTGRES_URL is not set")
        }
        None => {
            eprintln!(
                "SKIPPED: PostgreSQL test (set REPORTDESK_TEST_POSTGRES_URL=postgres://user@host:port/postgres to run it)"
            );
            None
        }
    }
}

pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// Swaps the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map(|(base, _)| base).unwrap_or(url);
    format!("{base}/{name}")
}
