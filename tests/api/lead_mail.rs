//! Every real lead reaches sales and the buyer through the outbox, against a
//! real SMTP server on loopback.

use std::time::Duration;

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::outbox;

use crate::helpers::{REPORT_PATH, TestApp, TestDatabase, valid_fields, with_field};
use crate::smtp::{ReceivedMail, SmtpServer, free_port};

#[derive(Debug, Queryable)]
pub struct OutboxRow {
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub message_id: String,
}

pub fn outbox_rows(app: &TestApp) -> Vec<OutboxRow> {
    let mut conn = app.pool().get().unwrap();
    outbox::table
        .order(outbox::id)
        .select((
            outbox::status,
            outbox::attempts,
            outbox::last_error,
            outbox::message_id,
        ))
        .load(&mut conn)
        .unwrap()
}

/// Sends what is due until every outbox row satisfies `done`; retries that
/// are not due yet are waited for (20 s at most).
pub async fn wait_for_outbox(app: &TestApp, done: impl Fn(&[OutboxRow]) -> bool) -> Vec<OutboxRow> {
    for _ in 0..200 {
        app.drain_outbox().await;
        let rows = outbox_rows(app);
        if done(&rows) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outbox_rows(app)
}

pub fn inquiry() -> String {
    format!("{REPORT_PATH}/inquiry")
}

pub async fn app_sending_to(
    backend: Backend,
    smtp_url: String,
    adjust: impl FnOnce(&mut reportdesk::settings::Settings),
) -> Option<TestApp> {
    TestApp::spawn_with(backend, |s| {
        s.mail_url = smtp_url;
        s.sales_inbox = "sales@publisher.test".into();
        s.mail_from = "reportdesk <no-reply@publisher.test>".into();
        s.public_url = "https://reports.publisher.test".into();
        s.mail_retry_seconds = 1;
        adjust(s);
    })
    .await
}

pub fn by_recipient<'a>(mails: &'a [ReceivedMail], recipient: &str) -> &'a ReceivedMail {
    mails
        .iter()
        .find(|m| m.recipients == [recipient.to_owned()])
        .unwrap_or_else(|| {
            panic!(
                "no mail for {recipient}: {:?}",
                mails.iter().map(|m| &m.recipients).collect::<Vec<_>>()
            )
        })
}

/// Like `both_backends!`, for a scenario `$name(app, smtp)` whose app sends
/// to a real SMTP server.
macro_rules! with_smtp_on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::run_with_smtp(reportdesk::db::Backend::Sqlite, super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::run_with_smtp(reportdesk::db::Backend::Postgres, super::$name).await
            }
        }
    };
}

async fn run_with_smtp(backend: Backend, scenario: impl AsyncFnOnce(&TestApp, &SmtpServer)) {
    let smtp = SmtpServer::start();
    if let Some(app) = app_sending_to(backend, smtp.url(), |_| {}).await {
        scenario(&app, &smtp).await;
        app.stop().await;
    }
}

async fn a_lead_sends_exactly_one_sales_notification_and_one_buyer_confirmation(
    app: &TestApp,
    smtp: &SmtpServer,
) {
    let fields = with_field(valid_fields(), "company", "Acme Corp");
    assert_eq!(
        app.submit(&format!("{REPORT_PATH}/discount"), fields)
            .await
            .status(),
        303
    );
    let mails = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 2, "exactly two mails");
    let lead_id = app.leads()[0].id;

    let sales = by_recipient(&mails, "sales@publisher.test");
    assert_eq!(
        sales.header("From").unwrap(),
        "reportdesk <no-reply@publisher.test>"
    );
    assert_eq!(sales.header("To").unwrap(), "sales@publisher.test");
    assert_eq!(
        sales.header("Reply-To").unwrap(),
        "\"Jane Doe\" <jane.doe@acme-health.com>"
    );
    let subject = sales.header("Subject").unwrap();
    assert!(
        subject.starts_with(
            "[Discount] Global Medical Second Opinion Market, 2025–2035 — Acme Corp (score "
        ),
        "{subject}"
    );
    assert!(sales.parsed().ctype.mimetype == "multipart/alternative");
    let text = sales.part("text/plain");
    let html = sales.part("text/html");
    let admin_link = format!("https://reports.publisher.test/admin/leads/{lead_id}");
    assert!(text.contains(&admin_link), "{text}");
    assert!(html.contains(&format!("href=\"{admin_link}\"")));
    for value in [
        "Jane Doe",
        "jane.doe@acme-health.com",
        "Acme Corp",
        "Director of Strategy",
        "+44 20 7946 0958",
        "GB",
        "USD 4,000",
        "Multi-user",
        "oncology figures for Europe",
    ] {
        assert!(text.contains(value), "sales text lacks {value}");
    }

    let buyer = by_recipient(&mails, "jane.doe@acme-health.com");
    assert_eq!(
        buyer.header("To").unwrap(),
        "\"Jane Doe\" <jane.doe@acme-health.com>"
    );
    assert_eq!(buyer.header("Reply-To").unwrap(), "sales@publisher.test");
    let buyer_text = buyer.part("text/plain");
    assert!(buyer_text.contains("a discounted price for a licence"));
    assert!(
        !buyer_text.contains("score"),
        "no internal data for the buyer"
    );
    assert!(
        !buyer_text.contains("/admin/"),
        "no internal links for the buyer"
    );

    let rows = wait_for_outbox(app, |rows| rows.iter().all(|r| r.status == "sent")).await;
    let stored_ids: Vec<_> = rows.iter().map(|r| r.message_id.clone()).collect();
    for mail in &mails {
        assert!(
            stored_ids.contains(&mail.header("Message-ID").unwrap()),
            "Message-ID as stored"
        );
    }
}
with_smtp_on_both_backends!(a_lead_sends_exactly_one_sales_notification_and_one_buyer_confirmation);

async fn spam_sends_no_mail(app: &TestApp, smtp: &SmtpServer) {
    let spam = with_field(valid_fields(), "website", "http://spam.test");
    assert_eq!(app.submit(&inquiry(), spam).await.status(), 303);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(smtp.received().is_empty());
    assert!(outbox_rows(app).is_empty());
}
with_smtp_on_both_backends!(spam_sends_no_mail);

async fn line_breaks_or_extra_addresses_never_add_a_header_or_a_recipient(
    app: &TestApp,
    smtp: &SmtpServer,
) {
    for (field, value) in [
        ("company", "Acme\r\nBcc: spy@evil.test"),
        ("email", "jane@acme.test, spy@evil.test"),
        ("email", "jane@acme.test\r\nCc: spy@evil.test"),
        ("name", "Jane\nBcc: spy@evil.test"),
    ] {
        let response = app
            .submit(&inquiry(), with_field(valid_fields(), field, value))
            .await;
        assert_eq!(response.status(), 422, "{field}={value:?}");
    }
    // Accepted but hostile-looking values stay inside their own header.
    let sly = with_field(
        with_field(
            valid_fields(),
            "name",
            "Jane <spy@evil.test>, \"Bcc\": spy2@evil.test",
        ),
        "company",
        "Evil; Bcc: spy3@evil.test",
    );
    assert_eq!(app.submit(&inquiry(), sly).await.status(), 303);
    let mails = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 2);
    for mail in &mails {
        assert_eq!(mail.recipients.len(), 1);
        assert!(
            !mail.recipients[0].contains("evil"),
            "{:?}",
            mail.recipients
        );
        let headers = mail.parsed().headers;
        assert!(
            headers
                .iter()
                .all(|h| !["Bcc", "Cc"].contains(&h.get_key().as_str()))
        );
        for header in ["To", "Reply-To"] {
            let value = mail.header(header).unwrap();
            assert!(!value.contains("spy@evil.test"), "{header}: {value}");
        }
    }
}
with_smtp_on_both_backends!(line_breaks_or_extra_addresses_never_add_a_header_or_a_recipient);

async fn smtp_down_at_submit_then_up(backend: Backend) {
    let port = free_port();
    let Some(app) = app_sending_to(backend, format!("smtp://127.0.0.1:{port}"), |_| {}).await
    else {
        return;
    };
    let response = app.submit(&inquiry(), valid_fields()).await;
    assert_eq!(
        response.status(),
        303,
        "the buyer never waits on the mail server"
    );

    let rows = wait_for_outbox(&app, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.last_error.is_some())
    })
    .await;
    for row in &rows {
        assert_eq!(row.status, "pending");
        assert!(
            row.last_error
                .as_deref()
                .unwrap()
                .to_lowercase()
                .contains("connection"),
            "{:?}",
            row.last_error
        );
    }

    let smtp = SmtpServer::start_on_port(port);
    let rows = wait_for_outbox(&app, |rows| rows.iter().all(|r| r.status == "sent")).await;
    assert!(rows.iter().all(|r| r.status == "sent"), "{rows:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mails = smtp.received();
    assert_eq!(mails.len(), 2, "delivered exactly once each");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_mail_server_down_the_lead_is_kept_and_mailed_once_it_is_back_on_sqlite() {
    smtp_down_at_submit_then_up(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_mail_server_down_the_lead_is_kept_and_mailed_once_it_is_back_on_postgres() {
    smtp_down_at_submit_then_up(Backend::Postgres).await;
}

async fn dead_after_max_attempts(backend: Backend) {
    let port = free_port();
    let Some(app) = app_sending_to(backend, format!("smtp://127.0.0.1:{port}"), |s| {
        s.mail_max_attempts = 2
    })
    .await
    else {
        return;
    };
    app.submit(&inquiry(), valid_fields()).await;
    let rows = wait_for_outbox(&app, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.status == "dead")
    })
    .await;
    assert!(
        rows.iter().all(|r| r.status == "dead" && r.attempts == 2),
        "{rows:?}"
    );
    let events = app.event_details("mail_dead");
    assert_eq!(events.len(), 2);
    assert!(events[0].contains("\"attempts\":2"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_that_fails_every_attempt_is_marked_dead_with_a_lead_event_on_sqlite() {
    dead_after_max_attempts(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_that_fails_every_attempt_is_marked_dead_with_a_lead_event_on_postgres() {
    dead_after_max_attempts(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_mail_settings_a_lead_is_written_as_two_eml_files() {
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let mail_dir = db.dir.path().join("mail");
    let app = TestApp::spawn_on(db, |_| {}).await;
    app.submit(&inquiry(), valid_fields()).await;
    let mut files = Vec::new();
    for _ in 0..100 {
        files = std::fs::read_dir(&mail_dir)
            .map(|d| d.flatten().collect())
            .unwrap_or_default();
        if files.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(files.len(), 2);
    assert!(
        files
            .iter()
            .all(|f| f.path().extension().is_some_and(|e| e == "eml"))
    );
    app.stop().await;
}
