//! What the running binary writes to its log: requests and outcomes, never a
//! buyer's details or what staff searched for.

use reportdesk::db::Backend;
use reportdesk::db::models::user::NewUser;
use reportdesk::domain::role::Role;
use reportdesk::security::password::hash_password_blocking;

use crate::helpers::{
    REPORT_PATH, TestDatabase, form_token_in, post_urlencoded, random_hex, valid_fields, with_field,
};
use crate::process::RunningApp;
use crate::staff::{PASSWORD, csrf_in, new_browser};

async fn text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

async fn post(client: &reqwest::Client, url: &str, fields: &[(&str, String)]) -> reqwest::Response {
    post_urlencoded(client, url, &fields).await
}

#[tokio::test]
async fn staff_searches_and_buyer_details_never_reach_the_log() {
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let mail_dir = db.dir.path().join("mail");
    let app = RunningApp::start(
        &db,
        &random_hex(64),
        &format!("file://{}", mail_dir.display()),
    );
    app.wait_until_healthy().await;
    let base = app.address.clone();

    let buyer = new_browser();
    let form = format!("{base}{REPORT_PATH}/inquiry");
    let token = form_token_in(&text(&buyer, &form).await);
    let fields = with_field(valid_fields(), "form_token", &token);
    assert_eq!(post(&buyer, &form, &fields).await.status(), 303);

    let pool = reportdesk::db::connect(&db.url, 1).unwrap();
    let hash = hash_password_blocking(PASSWORD).unwrap();
    let new_user = NewUser {
        email: "ada@publisher.test",
        name: "Ada Admin",
        role: Role::Admin,
        password_hash: &hash,
    };
    new_user
        .insert(&mut pool.get().unwrap(), 1_790_000_000)
        .unwrap();
    let staff = new_browser();
    let csrf = csrf_in(&text(&staff, &format!("{base}/admin/login")).await);
    let login = [
        ("csrf_token", csrf),
        ("email", "ada@publisher.test".to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    assert_eq!(
        post(&staff, &format!("{base}/admin/login"), &login)
            .await
            .status(),
        303
    );
    for search in ["jane.doe%40acme-health.com", "Acme+Health", "Jane+Doe"] {
        let list = text(&staff, &format!("{base}/admin/leads?q={search}")).await;
        assert!(list.contains("data-lead-id="), "the search finds the lead");
        text(&staff, &format!("{base}/admin/leads/export.csv?q={search}")).await;
    }
    text(&staff, &format!("{base}/admin/leads/1")).await;
    drop(app);

    let port = base.rsplit(':').next().unwrap();
    let log = std::fs::read_to_string(db.dir.path().join(format!("app-{port}.log"))).unwrap();
    assert!(log.contains("lead stored"), "the log is the app's: {log}");
    for personal in [
        "jane.doe",
        "Jane Doe",
        "Jane+Doe",
        "Acme Health",
        "Acme+Health",
        "acme-health.com/",
        "7946",
        "client_ip",
    ] {
        assert!(!log.contains(personal), "{personal} is in the log:\n{log}");
    }
}
