//! What an attacker tried against the running app, and what now holds.

use std::io::Write;

use reportdesk::db::Backend;

use crate::both_backends;
use crate::helpers::html::attributes;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_gzip_bombs_in_parallel_keep_memory_bounded() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, token) = app.open_form(&format!("{REPORT_PATH}/inquiry")).await;
    let form =
        serde_urlencoded::to_string(with_field(valid_fields(), "form_token", &token)).unwrap();
    // A valid form, then 31 MB of padding in the message: ~31 KB compressed.
    let mut inflated = form.into_bytes();
    inflated.extend(std::iter::repeat_n(b'a', 31 * 1024 * 1024));
    let bomb = gzip(&inflated);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let before = rss_mib();
    let posts = (0..60).map(|_| {
        app.client
            .post(app.url(&format!("{REPORT_PATH}/inquiry")))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-encoding", "gzip")
            .body(bomb.clone())
            .send()
    });
    let responses = futures_util::future::join_all(posts).await;
    let grown = rss_mib().saturating_sub(before);
    for response in responses {
        assert_eq!(response.unwrap().status(), 415);
    }
    // Inflated, the sixty bodies would take 1.9 GB; other tests share this
    // process, so the bound leaves them room.
    assert!(grown < 300, "memory grew by {grown} MiB");
    assert!(
        app.leads().is_empty(),
        "nothing is stored from a compressed body"
    );
    app.stop().await;
}

async fn head_works_wherever_get_does(app: &TestApp) {
    let paths = [
        "/",
        REPORT_PATH,
        "/privacy",
        "/healthz",
        "/admin/login",
        "/favicon.ico",
    ];
    for path in paths {
        let response = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "HEAD {path}");
        assert!(
            response.text().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
}
both_backends!(head_works_wherever_get_does);

async fn every_admin_response_is_kept_out_of_caches(app: &TestApp) {
    for path in ["/admin", "/admin/login", "/admin/leads"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let ada = app.admin().await;
    for path in ["/admin", "/admin/leads", "/admin/users", "/admin/audit"] {
        let response = ada.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
}
both_backends!(every_admin_response_is_kept_out_of_caches);

async fn a_nul_byte_in_the_admin_search_is_ignored_not_an_error(app: &TestApp) {
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    let ada = app.admin().await;
    let page = ada.get("/admin/leads?q=%00acme").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.unwrap().contains("data-lead-id="),
        "found by the rest"
    );
    let export = ada.get("/admin/leads/export.csv?q=acme%00").await;
    assert_eq!(export.status(), 200);
    assert_eq!(
        export.text().await.unwrap().lines().count(),
        2,
        "header and the lead"
    );
    assert_eq!(app.get("/?q=%00").await.status(), 200);
}
both_backends!(a_nul_byte_in_the_admin_search_is_ignored_not_an_error);

#[tokio::test]
async fn every_x_forwarded_for_line_counts_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit_per_minute = 1;
        s.trusted_proxies = "127.0.0.1".into();
    })
    .await
    .unwrap();
    let mut statuses = Vec::new();
    for first_line in ["203.0.113.1", "203.0.113.2"] {
        // The client chose the first line; our proxy added the second.
        let response = app
            .client
            .post(app.url(&format!("{REPORT_PATH}/inquiry")))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", first_line)
            .header("x-forwarded-for", "198.51.100.7")
            .body(serde_urlencoded::to_string(valid_fields()).unwrap())
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 429], "the second post is the same client");
    app.stop().await;
}

async fn invisible_marks_and_undeliverable_domains_are_refused_with_a_reason(app: &TestApp) {
    let path = format!("{REPORT_PATH}/inquiry");
    let cases = [
        ("name", "Jane\u{202E}eoD", "invisible"),
        ("company", "Acme\u{200B}Health", "invisible"),
        ("email", "jane.buyer@acme", "like name@company.com"),
    ];
    for (field, value, reason) in cases {
        let response = app
            .submit(&path, with_field(valid_fields(), field, value))
            .await;
        assert_eq!(response.status(), 422, "{field}");
        assert!(response.text().await.unwrap().contains(reason), "{field}");
    }
    assert!(app.leads().is_empty());
}
both_backends!(invisible_marks_and_undeliverable_domains_are_refused_with_a_reason);

async fn the_favicon_is_served_and_linked_from_every_page(app: &TestApp) {
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    for path in ["/", REPORT_PATH, "/privacy", "/admin/login"] {
        let page = app.get_page(path).await;
        let icons = attributes(&page, "link[rel=icon]", "href");
        assert_eq!(icons, ["/static/img/favicon.svg"], "{path}");
        assert_eq!(app.get(&icons[0]).await.status(), 200);
    }
}
both_backends!(the_favicon_is_served_and_linked_from_every_page);
