//! Loops a sales person would trip on: a link opened while logged out, a
//! note typed as the session ended, a lead handed over, a CSV for Excel.

use std::time::Duration;

use reportdesk::db::Backend;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};
use crate::staff::{PASSWORD, csrf_in, new_browser};

/// Logs in from the login page at `login_path`, sending `next` as the page's
/// form would; answers the redirect's target.
async fn login_returning(app: &TestApp, login_path: &str, next: &str) -> String {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let client = new_browser();
    let page = client.get(app.url(login_path)).send().await.unwrap();
    let page = page.text().await.unwrap();
    let fields = [
        ("csrf_token", csrf_in(&page)),
        ("email", "sam@publisher.test".to_owned()),
        ("password", PASSWORD.to_owned()),
        ("next", next.to_owned()),
    ];
    let response = client
        .post(app.url("/admin/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn a_lead_link_opened_while_logged_out_returns_to_the_lead_after_login(app: &TestApp) {
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        0,
    );
    let lead = format!("/admin/leads/{id}");
    let asked = app.get(&lead).await;
    let login_path = asked.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        login_path,
        format!("/admin/login?next=%2Fadmin%2Fleads%2F{id}")
    );
    let page = app.get_page(&login_path).await;
    assert!(
        page.contains(&format!("name=\"next\" value=\"{lead}\"")),
        "{page}"
    );
    assert_eq!(login_returning(app, &login_path, &lead).await, lead);
}
both_backends!(a_lead_link_opened_while_logged_out_returns_to_the_lead_after_login);

#[tokio::test]
async fn an_absolute_or_protocol_relative_return_target_is_ignored() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for target in [
        "https://evil.test/admin",
        "//evil.test/admin",
        "/\\evil.test",
    ] {
        let path = format!("/admin/login?next={target}");
        let page = app.get_page(&path).await;
        assert!(!page.contains("name=\"next\""), "{target}: {page}");
        let mut conn = app.pool().get().unwrap();
        {
            use diesel::prelude::*;
            diesel::delete(reportdesk::db::schema::staff_sessions::table)
                .execute(&mut conn)
                .unwrap();
            diesel::delete(reportdesk::db::schema::audit_log::table)
                .execute(&mut conn)
                .unwrap();
            diesel::delete(reportdesk::db::schema::users::table)
                .execute(&mut conn)
                .unwrap();
        }
        assert_eq!(
            login_returning(&app, "/admin/login", target).await,
            "/admin"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_note_sent_after_the_session_ended_is_shown_back_to_copy() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.session_idle_seconds = 1)
        .await
        .unwrap();
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        0,
    );
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let detail = format!("/admin/leads/{id}");
    let csrf = csrf_in(&sam.page(&detail).await);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let note = "Called Ann: wants the APAC chapter <b>before</b> Friday";
    let response = sam
        .client
        .post(app.url(&format!("{detail}/notes")))
        .header("referer", app.url(&detail))
        .form(&[("csrf_token", csrf.as_str()), ("note", note)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Your session ended; this was not saved:"),
        "{page}"
    );
    assert!(
        page.contains("Called Ann: wants the APAC chapter &#60;b&#62;before&#60;/b&#62; Friday"),
        "{page}"
    );
    assert!(!page.contains(&csrf), "tokens are not shown back");
    assert!(page.contains(&format!("name=\"next\" value=\"{detail}\"")));
    assert!(app.event_details("note").is_empty());
    app.stop().await;
}

async fn handing_a_lead_to_a_colleague_mails_them_but_taking_it_oneself_does_not(app: &TestApp) {
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        0,
    );
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ada = app.admin().await;
    let ada_id = app.user_id("ada@publisher.test");
    let detail = format!("/admin/leads/{id}");
    let to_sam = sam.to_string();
    ada.post(&detail, &format!("{detail}/assign"), &[("owner", &to_sam)])
        .await;
    let mails = app.outbox_mails("owner_notification");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("sam@publisher.test"));
    assert!(mails[0].1.contains("assigned it to you"), "{}", mails[0].1);
    assert!(
        mails[0].1.starts_with("Buyer Acme at Acme ("),
        "{}",
        mails[0].1
    );
    assert!(mails[0].1.contains(") is now yours."), "{}", mails[0].1);
    let to_self = ada_id.to_string();
    ada.post(&detail, &format!("{detail}/assign"), &[("owner", &to_self)])
        .await;
    assert_eq!(app.outbox_mails("owner_notification").len(), 1);
}
both_backends!(handing_a_lead_to_a_colleague_mails_them_but_taking_it_oneself_does_not);

async fn the_csv_opens_in_excel_with_accents_and_round_trips_through_python(app: &TestApp) {
    let name = "María Ñúñez 山田";
    let fields = with_field(valid_fields(), "name", name);
    app.submit(&format!("{REPORT_PATH}/inquiry"), fields).await;
    let ada = app.admin().await;
    let response = ada.get("/admin/leads/export.csv").await;
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark first"
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let read = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv, sys\n\
             rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))\n\
             print(rows[0]['name']); print(rows[0]['created_at']); print(rows[0]['consent_at'])",
        )
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let out = String::from_utf8(read.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], name);
    for time in &lines[1..] {
        assert!(
            time.len() == 20 && time.as_bytes()[10] == b'T' && time.ends_with('Z'),
            "ISO 8601: {time}"
        );
    }
}
both_backends!(the_csv_opens_in_excel_with_accents_and_round_trips_through_python);

async fn the_csv_follows_the_lists_sort(app: &TestApp) {
    let a = app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        10,
    );
    let b = app.seed_lead(
        LeadKind::Discount,
        "b@initech.test",
        "Initech",
        LeadStatus::New,
        20,
    );
    let c = app.seed_lead(
        LeadKind::Inquiry,
        "c@globex.test",
        "Globex",
        LeadStatus::New,
        30,
    );
    let ada = app.admin().await;
    let ids = |csv: &str| -> Vec<i64> {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect()
    };
    let newest = ada.page("/admin/leads/export.csv").await;
    assert_eq!(ids(&newest), [c, b, a]);
    let oldest = ada.page("/admin/leads/export.csv?sort=oldest").await;
    assert_eq!(ids(&oldest), [a, b, c]);
}
both_backends!(the_csv_follows_the_lists_sort);
