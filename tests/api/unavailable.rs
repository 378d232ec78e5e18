//! A database that cannot take writes: the buyer keeps their answers and is
//! told nothing was stored; `/healthz` says so until writes work again.

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use reportdesk::db::Backend;

use crate::helpers::{REPORT_PATH, TestApp, valid_fields};

async fn health(app: &TestApp) -> u16 {
    app.get("/healthz").await.status().as_u16()
}

#[tokio::test]
async fn a_locked_database_gives_the_buyer_503_with_their_input_kept() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    assert_eq!(health(&app).await, 200);
    // Another process holds the write lock past the busy timeout.
    let path = reportdesk::settings::sqlite_path(&app.db.url).unwrap();
    let mut other = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    // Waiting out a write of the app's own background jobs, if one is under way.
    other
        .batch_execute("PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE")
        .unwrap();

    let form = format!("{REPORT_PATH}/inquiry");
    let refused = app.submit(&form, valid_fields()).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "30");
    let page = refused.text().await.unwrap();
    assert!(page.contains("so nothing was saved"), "{page}");
    for typed in [
        "Jane Doe",
        "Acme Health",
        "jane.doe@acme-health.com",
        "oncology figures for Europe",
    ] {
        assert!(page.contains(typed), "{typed} is kept");
    }
    assert!(app.leads().is_empty(), "no partial rows");
    assert_eq!(health(&app).await, 503, "unwritable is unhealthy");

    other.batch_execute("ROLLBACK").unwrap();
    assert_eq!(health(&app).await, 200, "healthy once writes work");
    assert_eq!(app.submit(&form, valid_fields()).await.status(), 303);
    assert_eq!(app.leads().len(), 1);
    app.stop().await;
}
