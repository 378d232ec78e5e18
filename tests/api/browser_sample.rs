//! A buyer in a real browser asks for the sample, and the link in the mail
//! they receive opens the PDF; a used-up link shows its page.

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::{outbox, sample_deliveries};

use crate::browser::Browser;
use crate::browser_buyer::fill_valid;
use crate::helpers::{REPORT_PATH, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_asks_for_a_sample_and_opens_the_pdf_from_the_mail() {
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    browser
        .goto(&app.url(&format!("{REPORT_PATH}/sample-request")))
        .await;
    fill_valid(&browser, "sample-request").await;
    browser
        .click_to_navigate(browser.css("form.lead-form button[type=submit]").await)
        .await;
    assert!(browser.path().await.contains("/thank-you"));

    // The confirmation's HTML part, as the buyer's mail program shows it.
    let html: String = {
        let mut conn = app.pool().get().unwrap();
        outbox::table
            .filter(outbox::kind.eq("buyer_confirmation"))
            .select(outbox::body_html)
            .first(&mut conn)
            .unwrap()
    };
    let button = crate::helpers::html::attributes(&html, "a[href*='/samples/']", "href");
    assert_eq!(button.len(), 1, "one download button in {html}");
    let path = &button[0][button[0].find("/samples/").unwrap()..];

    // Following it in the browser gives the PDF.
    let opened = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([
               r.status, r.headers.get('content-type'), r.headers.get('content-disposition'),
               String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])));",
            vec![serde_json::json!(app.url(path))],
        )
        .await
        .unwrap();
    assert_eq!(
        opened,
        serde_json::json!([
            200,
            "application/pdf",
            "attachment; filename=\"global-medical-second-opinion-market-sample.pdf\"",
            "%PDF-"
        ])
    );

    // Once the link has run out, its page offers a fresh one.
    {
        let mut conn = app.pool().get().unwrap();
        diesel::update(sample_deliveries::table)
            .set(sample_deliveries::expires_at.eq(0))
            .execute(&mut conn)
            .unwrap();
    }
    browser.goto(&app.url(path)).await;
    let heading = browser.css("h1").await.text().await.unwrap();
    assert_eq!(heading, "This sample link has run out");
    browser.check_page("sample-link-run-out").await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
    let heading = browser.css("h1").await.text().await.unwrap();
    assert_eq!(heading, "A fresh link is on its way");
    assert_eq!(app.outbox_mails("sample_link").len(), 1);
    browser.close().await;
    app.stop().await;
}
