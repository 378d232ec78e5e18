//! Instances (or `serve` beside a CLI command) starting at once on a fresh
//! database must each come up, with the schema applied exactly once.

use std::sync::{Arc, Barrier};

use reportdesk::db::{self, Backend};

use crate::helpers::TestDatabase;

async fn several_processes_migrating_at_once_all_succeed(backend: Backend) {
    let Some(database) = TestDatabase::create(backend).await else {
        return;
    };
    let starters = 6;
    let together = Arc::new(Barrier::new(starters));
    let starters: Vec<_> = (0..starters)
        .map(|_| {
            let url = database.url.clone();
            let together = together.clone();
            std::thread::spawn(move || -> anyhow::Result<()> {
                let conn = db::connect(&url, 1).and_then(|pool| Ok(pool.get()?));
                // Every starter reaches the barrier, even one that could not
                // connect: its error is then reported, not a hang.
                together.wait();
                db::run_migrations(&mut *conn?)
            })
        })
        .collect();
    for starter in starters {
        starter
            .join()
            .unwrap()
            .expect("every starter migrates or finds the schema in place");
    }
    let pool = database.pool();
    let mut conn = pool.get().unwrap();
    db::run_migrations(&mut conn).expect("nothing left to apply");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_starters_on_a_fresh_sqlite_file_all_come_up() {
    several_processes_migrating_at_once_all_succeed(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_starters_on_a_fresh_postgres_database_all_come_up() {
    several_processes_migrating_at_once_all_succeed(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_file_gets_8_kib_pages_and_write_ahead_logging() {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    #[derive(QueryableByName)]
    struct PageSize {
        #[diesel(sql_type = BigInt)]
        page_size: i64,
    }
    #[derive(QueryableByName)]
    struct JournalMode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    let database = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let pool = database.pool();
    let mut conn = pool.get().unwrap();
    let db::DbConnection::Sqlite(sqlite) = &mut *conn else {
        unreachable!()
    };
    let size: PageSize = diesel::sql_query("PRAGMA page_size")
        .get_result(sqlite)
        .unwrap();
    let mode: JournalMode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(sqlite)
        .unwrap();
    assert_eq!(size.page_size, 8192);
    assert_eq!(mode.journal_mode, "wal");
}
