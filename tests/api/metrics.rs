//! `/metrics` for Prometheus: guarded by a token on the main listener, or on
//! a listener of its own; counters that move with what happens; output and
//! alert rules that promtool accepts.

use std::io::Write;
use std::process::{Command, Stdio};

use reportdesk::db::Backend;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::settings::Settings;

use crate::helpers::tools::promtool;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields};

const TOKEN: &str = "metrics-token-for-the-tests-0123456789";

fn with_token(settings: &mut Settings) {
    settings.metrics_token = Some(TOKEN.to_owned().into());
}

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// The value of one sample (`name{labels}`), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_refused_without_the_token() {
    let app = TestApp::spawn_with(Backend::Sqlite, with_token)
        .await
        .unwrap();
    let bare = app.get("/metrics").await;
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.headers()["www-authenticate"], "Bearer");
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-for-the-tests-XXXXXXXXXX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(scrape(&app).await.contains("reportdesk_outbox_pending "));
    app.stop().await;
    // Without a token and a listener, there are no metrics to ask for.
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    assert_eq!(app.get("/metrics").await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_listener_of_its_own_serves_them_and_the_public_one_refuses() {
    let app = TestApp::spawn_with(Backend::Sqlite, |settings| {
        with_token(settings);
        settings.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    })
    .await
    .unwrap();
    let refused = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404, "not on the public listener");
    let address = app.metrics.expect("a metrics listener");
    let text = app
        .client
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("# TYPE reportdesk_leads_overdue gauge"),
        "{text}"
    );
    let elsewhere = app
        .client
        .get(format!("http://{address}/admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404, "only /metrics there");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_with_a_submit_a_sent_mail_and_a_dead_mail() {
    let app = TestApp::spawn_with(Backend::Sqlite, with_token)
        .await
        .unwrap();
    let before = scrape(&app).await;
    let response = app
        .submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    assert_eq!(response.status(), 303);
    app.drain_outbox().await;
    // A lead ten hours old, never answered: past the inquiry's 8 hours.
    app.seed_lead(
        LeadKind::Inquiry,
        "old@clinic.example",
        "Clinic",
        LeadStatus::New,
        reportdesk::db::now_unix() - 36_000,
    );
    let mut after = scrape(&app).await;
    for _ in 0..100 {
        if sample(&after, "reportdesk_outbox_pending") == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    let moved = |series: &str| sample(&after, series) - sample(&before, series);
    assert!(moved("reportdesk_leads_created_total{kind=\"inquiry\"}") >= 1.0);
    assert!(
        moved("reportdesk_mail_sent_total") >= 2.0,
        "sales and the buyer"
    );
    assert!(moved("reportdesk_submit_duration_seconds_count") >= 1.0);
    let route = "reportdesk_http_requests_total{route=\"/reports/{slug}/{form}\",method=\"POST\",status=\"3xx\"}";
    assert!(moved(route) >= 1.0, "requests by route template:\n{after}");
    assert_eq!(
        sample(&after, "reportdesk_leads_overdue{kind=\"inquiry\"}"),
        1.0
    );
    assert_eq!(sample(&after, "reportdesk_outbox_pending"), 0.0);
    assert!(!after.contains("jane.doe"), "no buyer data in metrics");
    app.stop().await;

    // A relay that is not there, one attempt: the mail dies.
    let app = TestApp::spawn_with(Backend::Sqlite, |settings| {
        with_token(settings);
        settings.mail_url = "smtp://127.0.0.1:9".into();
        settings.mail_max_attempts = 1;
    })
    .await
    .unwrap();
    let before = scrape(&app).await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    app.drain_outbox().await;
    // The background worker may hold the mails' lease: wait for both to die.
    let mut after = scrape(&app).await;
    for _ in 0..100 {
        if sample(&after, "reportdesk_outbox_dead") >= 2.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    let moved = |series: &str| sample(&after, series) - sample(&before, series);
    assert!(moved("reportdesk_mail_dead_total") >= 1.0, "{after}");
    assert!(moved("reportdesk_mail_failed_total{class=\"temporary\"}") >= 1.0);
    assert_eq!(
        sample(&after, "reportdesk_outbox_dead"),
        2.0,
        "sales and the buyer"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scraped_metrics_and_the_alert_rules_pass_promtool() {
    if !promtool() {
        return;
    }
    let app = TestApp::spawn_with(Backend::Sqlite, with_token)
        .await
        .unwrap();
    app.submit(&format!("{REPORT_PATH}/discount"), valid_fields())
        .await;
    app.drain_outbox().await;
    let text = scrape(&app).await;
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = check.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/alerts.yml");
    let output = Command::new("promtool")
        .args(["check", "rules", rules])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "promtool check rules: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    app.stop().await;
}
