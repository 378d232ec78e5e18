//! The report page on a phone, in Chromium: the chart's text readable, and
//! the calls to action in view wherever the buyer has scrolled to.

use reportdesk::db::Backend;

use crate::browser::Browser;
use crate::helpers::{REPORT_PATH, TestApp};

/// The smallest rendered size, in CSS px, of the chart text shown.
const SMALLEST_CHART_TEXT: &str = r#"
    let smallest = Infinity;
    for (const svg of document.querySelectorAll('.chart-svg')) {
        const box = svg.getBoundingClientRect();
        if (box.width === 0) continue;
        const scale = box.width / svg.viewBox.baseVal.width;
        for (const text of svg.querySelectorAll('text')) {
            const size = parseFloat(getComputedStyle(text).fontSize) * scale;
            smallest = Math.min(smallest, size);
        }
    }
    return smallest;
"#;

/// Whether the sticky bar of calls to action is on screen.
const CTA_BAR_IN_VIEW: &str = r#"
    const bar = document.querySelector('.cta-bar').getBoundingClientRect();
    return bar.top >= 0 && bar.bottom <= window.innerHeight && bar.height > 0;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_chart_reads_at_twelve_pixels_and_the_calls_to_action_stay_in_view() {
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    browser.goto(&app.url(REPORT_PATH)).await;
    let smallest = browser.eval(SMALLEST_CHART_TEXT).await.as_f64().unwrap();
    assert!(
        smallest >= 12.0,
        "chart text at {smallest:.1} px on a phone"
    );
    browser
        .eval("document.getElementById('faq').scrollIntoView(); return true;")
        .await;
    assert_eq!(
        browser.eval(CTA_BAR_IN_VIEW).await,
        true,
        "after scrolling to the FAQ"
    );
    browser.check_page("report-phone-faq").await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.goto(&app.url(REPORT_PATH)).await;
    let smallest = browser.eval(SMALLEST_CHART_TEXT).await.as_f64().unwrap();
    assert!(
        smallest >= 12.0,
        "chart text at {smallest:.1} px on a desktop"
    );
    browser
        .eval("document.getElementById('contents').scrollIntoView(); return true;")
        .await;
    assert_eq!(
        browser.eval(CTA_BAR_IN_VIEW).await,
        true,
        "on a desktop too"
    );
    app.stop().await;
    browser.close().await;
}
