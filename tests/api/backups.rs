//! `reportdesk backup` while buyers keep sending forms, `backup verify`, and
//! `restore` (into a fresh place; refused while the server runs).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::prelude::*;
use reportdesk::db::Backend;

use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};

const LEADS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_200_leads_arrive_holds_every_lead_stored_before_it_and_restores() {
    let app = Arc::new(TestApp::spawn(Backend::Sqlite).await.unwrap());
    let backups = tempfile::tempdir().unwrap();
    let backup_began = Arc::new(AtomicBool::new(false));
    // Four buyers at a time; each notes whether its 303 came before the
    // backup began.
    let mut senders = Vec::new();
    for lane in 0..4 {
        let (app, began) = (app.clone(), backup_began.clone());
        senders.push(tokio::spawn(async move {
            let mut stored_before = Vec::new();
            for n in (lane..LEADS).step_by(4) {
                let email = format!("buyer{n}@backup-test.example");
                let fields = with_field(valid_fields(), "email", &email);
                let response = app.submit(&format!("{REPORT_PATH}/inquiry"), fields).await;
                assert_eq!(response.status(), 303);
                if !began.load(Ordering::SeqCst) {
                    stored_before.push(email);
                }
            }
            stored_before
        }));
    }
    while app.leads().len() < LEADS / 2 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    backup_began.store(true, Ordering::SeqCst);
    let dir = backups.path().to_str().unwrap().to_owned();
    let taken = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || {
            app.run_cli(
                &["backup", "--to", &dir, "--keep", "3"],
                &std::env::temp_dir(),
            )
        })
        .await
        .unwrap()
    };
    let said = String::from_utf8_lossy(&taken.stdout).to_string();
    assert!(
        taken.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    assert!(said.contains("holds: reports 1"), "{said}");
    let mut stored_before = Vec::new();
    for sender in senders {
        stored_before.extend(sender.await.unwrap());
    }
    let file = said
        .lines()
        .find_map(|l| l.strip_prefix("backup written: "))
        .unwrap()
        .to_owned();

    let verified = app.run_cli(&["backup", "verify", &file], &std::env::temp_dir());
    let report = String::from_utf8_lossy(&verified.stdout).to_string();
    assert!(verified.status.success(), "{report}");
    assert!(
        report.contains("integrity ok") && report.contains("migrations: up to date"),
        "{report}"
    );

    // Every lead whose submit was answered before the backup began is in it.
    let mut copy = diesel::SqliteConnection::establish(&file).unwrap();
    let emails: Vec<String> = reportdesk::db::schema::contacts::table
        .select(reportdesk::db::schema::contacts::email_normalized)
        .load(&mut copy)
        .unwrap();
    assert!(
        stored_before.len() >= LEADS / 2 - 4,
        "{} before",
        stored_before.len()
    );
    for email in &stored_before {
        assert!(emails.contains(email), "{email} is missing from the backup");
    }

    // The server runs on its database: restoring over it is refused.
    let refused = app.run_cli(&["restore", &file], &std::env::temp_dir());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stop it first"));

    // Into a fresh place, it restores and a server starts on it.
    let fresh = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/restored.sqlite3", fresh.path().display());
    let restored = std::process::Command::new(env!("CARGO_BIN_EXE_reportdesk"))
        .args(["restore", &file])
        .env("REPORTDESK_DATABASE_URL", &url)
        .env("REPORTDESK_LOG", "warn")
        .current_dir(fresh.path())
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut back = diesel::SqliteConnection::establish(&format!(
        "{}/restored.sqlite3",
        fresh.path().display()
    ))
    .unwrap();
    let leads: i64 = reportdesk::db::schema::leads::table
        .count()
        .get_result(&mut back)
        .unwrap();
    assert!(leads as usize >= stored_before.len());
    Arc::into_inner(app).unwrap().stop().await;
}

#[test]
fn a_file_that_is_not_a_backup_is_refused_by_verify_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.sqlite3");
    std::fs::write(&file, "not a database at all").unwrap();
    for args in [vec!["backup", "verify"], vec!["restore"]] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_reportdesk"))
            .args(&args)
            .arg(&file)
            .env(
                "REPORTDESK_DATABASE_URL",
                format!("sqlite://{}/db.sqlite3", dir.path().display()),
            )
            .env("REPORTDESK_LOG", "warn")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("not a SQLite database"),
            "{args:?}"
        );
    }
}

async fn the_daily_backup_is_taken_once_across_instances_at_its_hour(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let now = reportdesk::db::now_unix();
    let hour = u32::try_from((now % 86_400) / 3600).unwrap();
    let daily = |h: u32| reportdesk::jobs::scheduled_backup::ScheduledBackup {
        pool: app.pool(),
        database_url: app.db.url.clone(),
        dir: dir.path().to_owned(),
        hour: h,
    };
    assert!(
        daily((hour + 1) % 24).run_if_due(now).await.is_none(),
        "not its hour"
    );
    // Two instances look at once: one takes it.
    let (first, second) = (daily(hour), daily(hour));
    let (one, two) = tokio::join!(first.run_if_due(now), second.run_if_due(now));
    let taken: Vec<_> = [one, two].into_iter().flatten().collect();
    match app.db.backend {
        Backend::Sqlite => {
            assert_eq!(taken.len(), 1, "{taken:?}");
            assert!(taken[0].to_string_lossy().ends_with(".sqlite3"));
        }
        // pg_dump may be missing where the tests run: then the claim is
        // released and nothing is taken, but never twice.
        Backend::Postgres => assert!(taken.len() <= 1),
    }
    assert!(
        daily(hour).run_if_due(now + 60).await.is_none(),
        "once a day"
    );
}
crate::both_backends!(the_daily_backup_is_taken_once_across_instances_at_its_hour);
