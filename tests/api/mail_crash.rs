//! The app process killed while it holds a claimed mail: the mail is delivered
//! after a restart, with the Message-ID it was stored with.

use std::time::Duration;

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::outbox;

use crate::helpers::{TestDatabase, random_hex, valid_fields};
use crate::process::RunningApp;
use crate::smtp::{SmtpServer, black_hole};

fn claimed_rows(db: &TestDatabase) -> Vec<(String, Option<i64>, String)> {
    let mut conn = db.pool().get().unwrap();
    outbox::table
        .order(outbox::id)
        .select((outbox::status, outbox::claimed_until, outbox::message_id))
        .load(&mut conn)
        .unwrap()
}

async fn killed_mid_send(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let secret = random_hex(64);
    // A mail server that never answers keeps the first send hanging.
    let mut first = RunningApp::start(&db, &secret, &format!("smtp://127.0.0.1:{}", black_hole()));
    first.wait_until_healthy().await;

    assert_eq!(first.submit_inquiry(valid_fields()).await, 303);

    let mut rows = Vec::new();
    for _ in 0..100 {
        rows = claimed_rows(&db);
        if rows.len() == 2 && rows.iter().all(|(_, claimed, _)| claimed.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        rows.len() == 2
            && rows
                .iter()
                .all(|(status, claimed, _)| status == "pending" && claimed.is_some()),
        "{rows:?}"
    );

    first.kill();

    let smtp = SmtpServer::start();
    let second = RunningApp::start(&db, &secret, &smtp.url());
    second.wait_until_healthy().await;
    let mails = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received().len(), 2, "each mail once after the restart");
    let mut sent_ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    let mut stored_ids: Vec<String> = rows.into_iter().map(|(_, _, id)| id).collect();
    sent_ids.sort();
    stored_ids.sort();
    assert_eq!(
        sent_ids, stored_ids,
        "the Message-IDs are the ones stored before the crash"
    );
    assert!(
        claimed_rows(&db)
            .iter()
            .all(|(status, _, _)| status == "sent")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_claimed_by_a_killed_process_is_delivered_after_restart_on_sqlite() {
    killed_mid_send(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_claimed_by_a_killed_process_is_delivered_after_restart_on_postgres() {
    killed_mid_send(Backend::Postgres).await;
}
