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

/// Stored mails of a kind, from the outbox.
fn mails_of_kind(app: &TestApp, kind: &str) -> usize {
    use diesel::prelude::*;
    use reportdesk::db::schema::outbox;
    let mut conn = app.pool().get().unwrap();
    let count: i64 = outbox::table
        .filter(outbox::kind.eq(kind))
        .count()
        .get_result(&mut conn)
        .unwrap();
    count as usize
}

async fn one_address_gets_at_most_three_confirmations_a_day(app: &TestApp) {
    // Someone types a stranger's address into the form again and again.
    for _ in 0..5 {
        let response = app
            .submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
            .await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(app.leads().len(), 5, "every request is a lead");
    assert_eq!(
        mails_of_kind(app, "sales_notification"),
        5,
        "sales hear of each"
    );
    assert_eq!(mails_of_kind(app, "buyer_confirmation"), 3);
}
both_backends!(one_address_gets_at_most_three_confirmations_a_day);

async fn a_later_request_with_the_same_email_does_not_rewrite_an_earlier_lead(app: &TestApp) {
    let path = format!("{REPORT_PATH}/inquiry");
    app.submit(&path, valid_fields()).await;
    let rewritten = [
        ("name", "Mallory Mischief"),
        ("company", "Evil Corp"),
        ("country", "DE"),
    ];
    let mut later = valid_fields();
    for (field, value) in rewritten {
        later = with_field(later, field, value);
    }
    app.submit(&path, later).await;
    let leads = app.leads();
    let ada = app.admin().await;
    let first = ada.page(&format!("/admin/leads/{}", leads[0].id)).await;
    assert!(
        first.contains("Jane Doe") && first.contains("Acme Health"),
        "as sent first"
    );
    assert!(!first.contains("Evil Corp") && !first.contains("Mallory"));
    let second = ada.page(&format!("/admin/leads/{}", leads[1].id)).await;
    assert!(second.contains("Mallory Mischief") && second.contains("Evil Corp"));
    let contact = ada
        .page(&format!("/admin/contacts/{}", leads[0].contact_id))
        .await;
    assert!(
        contact.contains("Evil Corp"),
        "the contact shows the latest"
    );
    let csv = ada
        .get("/admin/leads/export.csv")
        .await
        .text()
        .await
        .unwrap();
    let first_row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{},", leads[0].id)))
        .unwrap();
    assert!(
        first_row.contains("Acme Health") && first_row.contains(",GB,"),
        "{first_row}"
    );
}
both_backends!(a_later_request_with_the_same_email_does_not_rewrite_an_earlier_lead);

/// Sends a form's headers and a few bytes of its body, then nothing more;
/// answers what the server said, if anything, within five seconds.
fn stall_after_a_few_bytes(address: &str) -> String {
    use std::io::{Read, Write as _};
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let head = format!(
        "POST {REPORT_PATH}/inquiry HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=J"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_is_cut_off_and_health_stays_up() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.request_timeout_seconds = 1)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let slow: Vec<_> = (0..100)
        .map(|_| {
            let address = app.address.clone();
            tokio::task::spawn_blocking(move || stall_after_a_few_bytes(&address))
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "answers while they hang on"
    );
    for answer in futures_util::future::join_all(slow).await {
        let answer = answer.unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer:.80}");
    }
    assert!(
        started.elapsed().as_secs() < 5,
        "let go well before the client gave up"
    );
    assert!(app.leads().is_empty());
    app.stop().await;
}
