//! What an attacker tried against the running app, and what now holds.

use std::io::Write;

use reportdesk::db::Backend;

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
