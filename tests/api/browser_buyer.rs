//! A buyer in a real browser: the report page, the three forms, mistakes and
//! corrections, the keyboard alone, and a phone-sized screen.

use fantoccini::Locator;
use fantoccini::key::Key;
use reportdesk::db::Backend;

use crate::browser::Browser;
use crate::helpers::{REPORT_PATH, TestApp};

pub async fn fill_valid(browser: &Browser, kind: &str) {
    browser.fill("#name", "Jane Doe").await;
    browser.fill("#email", "jane.doe@acme-health.com").await;
    browser.fill("#company", "Acme Health").await;
    browser.fill("#phone", "+44 20 7946 0958").await;
    browser
        .css("#country option[value='GB']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .fill(
            "#message",
            "We need the oncology figures for Europe, 2025 to 2030.",
        )
        .await;
    if kind == "discount" {
        browser.css("#licence-multi").await.click().await.unwrap();
    }
    let consent = browser.css("#consent").await;
    if !consent.is_selected().await.unwrap() {
        consent.click().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_follows_each_call_to_action_corrects_mistakes_and_is_thanked() {
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    browser.goto(&app.url(REPORT_PATH)).await;
    browser.full_page_screenshot("report-page", 1280).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.check_page("report-page-top").await;

    for (label, kind) in [
        ("Download a free sample", "sample-request"),
        ("Make an inquiry", "inquiry"),
        ("Ask for a discount", "discount"),
    ] {
        browser.goto(&app.url(REPORT_PATH)).await;
        browser
            .click_to_navigate(browser.client.find(Locator::LinkText(label)).await.unwrap())
            .await;
        assert_eq!(browser.path().await, format!("{REPORT_PATH}/{kind}"));
        browser.check_page(&format!("form-{kind}-empty")).await;

        // Send with mistakes: a bad email and nothing else.
        browser.fill("#email", "jane.doe@").await;
        browser
            .click_to_navigate(browser.css("form.lead-form button[type=submit]").await)
            .await;
        let summary = browser.css(".error-summary").await.text().await.unwrap();
        assert!(summary.contains("There is a problem"), "{kind}");
        assert!(
            summary.contains("Enter an email address like name@company.com"),
            "{kind}"
        );
        assert_eq!(
            browser
                .css("#email")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("jane.doe@"),
            "typed value kept"
        );
        browser.check_page(&format!("form-{kind}-errors")).await;

        // The summary links lead to the fields.
        browser
            .client
            .find(Locator::Css(".error-summary a[href='#name']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let focused = browser.eval("return document.activeElement.id").await;
        assert_eq!(
            focused, "name",
            "{kind}: the summary link focuses the field"
        );

        fill_valid(&browser, kind).await;
        browser
            .click_to_navigate(browser.css("form.lead-form button[type=submit]").await)
            .await;
        assert_eq!(
            browser.path().await,
            format!("{REPORT_PATH}/thank-you?kind={kind}")
        );
        assert!(
            browser
                .css("h1")
                .await
                .text()
                .await
                .unwrap()
                .starts_with("Thank you")
        );
        browser.check_page(&format!("thank-you-{kind}")).await;
    }
    let kinds: Vec<String> = app.leads().into_iter().map(|l| l.kind).collect();
    assert_eq!(kinds, ["sample_request", "inquiry", "discount"]);
    browser.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_can_send_an_inquiry_with_the_keyboard_alone() {
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    browser.goto(&app.url(REPORT_PATH)).await;
    let tab = Key::Tab.to_string();
    let enter = Key::Enter.to_string();

    // Tab from the top of the page to the inquiry link and follow it.
    let mut found = false;
    for _ in 0..30 {
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(&tab)
            .await
            .unwrap();
        let text = browser
            .eval("return document.activeElement.textContent.trim()")
            .await;
        if text == "Make an inquiry" {
            found = true;
            break;
        }
    }
    assert!(found, "the inquiry link is reachable by Tab");
    browser.key_to_navigate(&enter).await;
    assert_eq!(browser.path().await, format!("{REPORT_PATH}/inquiry"));

    // Tab to the first field; the honeypot is skipped.
    for _ in 0..30 {
        if browser.eval("return document.activeElement.id").await == "name" {
            break;
        }
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(&tab)
            .await
            .unwrap();
    }
    let type_and_tab = |text: &'static str| {
        let browser = &browser;
        let tab = tab.clone();
        async move {
            let field = browser.client.active_element().await.unwrap();
            field.send_keys(text).await.unwrap();
            field.send_keys(&tab).await.unwrap();
        }
    };
    type_and_tab("Kim Keyboard").await; // name
    type_and_tab("kim@keyboard-co.test").await; // email
    type_and_tab("Keyboard Co").await; // company
    type_and_tab("").await; // job title
    type_and_tab("").await; // phone
    type_and_tab("Germany").await; // country: typing selects
    type_and_tab("Which hospitals lead adoption in Germany?").await; // message
    assert_eq!(
        browser.eval("return document.activeElement.id").await,
        "consent"
    );
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    assert_eq!(
        browser.eval("return document.activeElement.checked").await,
        true
    );
    for _ in 0..5 {
        if browser.eval("return document.activeElement.type").await == "submit" {
            break;
        }
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(&tab)
            .await
            .unwrap();
    }
    browser.key_to_navigate(&enter).await;
    assert_eq!(
        browser.path().await,
        format!("{REPORT_PATH}/thank-you?kind=inquiry")
    );
    let contacts = app.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].country, "DE");
    assert_eq!(contacts[0].name, "Kim Keyboard");
    browser.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_sized_screen_nothing_scrolls_sideways() {
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for (name, path) in [
        ("phone-report", REPORT_PATH.to_owned()),
        (
            "phone-sample-request",
            format!("{REPORT_PATH}/sample-request"),
        ),
        ("phone-inquiry", format!("{REPORT_PATH}/inquiry")),
        ("phone-discount", format!("{REPORT_PATH}/discount")),
    ] {
        browser.goto(&app.url(&path)).await;
        let widths = browser
            .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        let (scroll, viewport) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(
            scroll <= viewport,
            "{path}: page is {scroll}px wide in a {viewport}px window"
        );
        browser.screenshot(name).await;
    }
    browser.close().await;
    app.stop().await;
}
