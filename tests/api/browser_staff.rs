//! A sales person in a real browser: log in, find a lead, work it, export.

use fantoccini::Locator;
use reportdesk::db::Backend;

use crate::browser::Browser;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};
use crate::staff::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_person_finds_a_lead_works_it_and_downloads_the_csv() {
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.create_user("ada@publisher.test", "Ada Admin", "admin");
    app.submit(
        &format!("{REPORT_PATH}/discount"),
        with_field(valid_fields(), "company", "Umbrella Labs"),
    )
    .await;
    app.submit(
        &format!("{REPORT_PATH}/inquiry"),
        with_field(
            with_field(valid_fields(), "company", "Globex"),
            "email",
            "g@globex.test",
        ),
    )
    .await;

    browser.goto(&app.url("/admin/leads")).await;
    assert_eq!(browser.path().await, "/admin/login?next=%2Fadmin%2Fleads");
    browser.check_page("admin-login").await;
    browser.fill("#email", "ada@publisher.test").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
    // Back to the page first asked for.
    assert_eq!(browser.path().await, "/admin/leads");
    browser.goto(&app.url("/admin")).await;
    browser.full_page_screenshot("admin-dashboard", 1280).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.check_page("admin-dashboard-top").await;

    browser
        .click_to_navigate(
            browser
                .client
                .find(Locator::LinkText("Leads"))
                .await
                .unwrap(),
        )
        .await;
    browser.fill("#q", "umbrella").await;
    browser
        .click_to_navigate(browser.css(".filters button[type=submit]").await)
        .await;
    let rows = browser
        .client
        .find_all(Locator::Css("tr[data-lead-id]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    browser.check_page("admin-lead-list").await;
    browser
        .click_to_navigate(
            browser
                .client
                .find(Locator::LinkText("Jane Doe"))
                .await
                .unwrap(),
        )
        .await;
    assert!(browser.path().await.starts_with("/admin/leads/"));
    browser.check_page("admin-lead-detail").await;

    browser
        .css("#status option[value='qualified']")
        .await
        .click()
        .await
        .unwrap();
    // A qualified lead needs its next step (the due time set as a
    // datetime-local value, whatever the browser's locale).
    browser
        .fill("#status-next-action", "Send the enterprise quote")
        .await;
    browser
        .client
        .execute(
            "document.querySelector('#status-next-due').value = '2099-01-15T10:00';",
            vec![],
        )
        .await
        .unwrap();
    browser
        .click_to_navigate(browser.css("form[action$='/status'] button").await)
        .await;
    assert!(
        browser
            .css(".lede")
            .await
            .text()
            .await
            .unwrap()
            .contains("qualified")
    );
    browser
        .fill("#note", "Wants the enterprise licence next quarter")
        .await;
    browser
        .click_to_navigate(browser.css("form[action$='/notes'] button").await)
        .await;
    let timeline = browser.css(".timeline").await.text().await.unwrap();
    assert!(timeline.contains("Status new → qualified"));
    assert!(timeline.contains("Wants the enterprise licence next quarter"));
    browser
        .full_page_screenshot("admin-lead-detail-worked", 1280)
        .await;

    // The export link downloads what the list shows; fetched with the session.
    browser.goto(&app.url("/admin/leads?q=umbrella")).await;
    let href = browser
        .client
        .find(Locator::LinkText("Export CSV"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let csv = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("id,created_at,kind"));
    assert!(csv.contains("Umbrella Labs"));
    assert!(!csv.contains("Globex"));
    assert!(csv.contains("qualified"));
    browser.close().await;
    app.stop().await;
}
