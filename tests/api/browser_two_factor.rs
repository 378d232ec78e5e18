//! Two-factor login in a real browser: turn it on from the QR page, keep
//! the recovery codes, log in with the app's code — each page checked with
//! axe (the served HTML goes to the HTML checker from `two_factor`).

use reportdesk::db::{Backend, now_unix};

use crate::browser::Browser;
use crate::helpers::TestApp;
use crate::helpers::tools::{oathtool, oathtool_code};
use crate::staff::PASSWORD;

async fn log_in_with_password(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/admin/login")).await;
    browser.fill("#email", "sam@publisher.test").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_person_turns_on_two_factor_login_and_logs_in_with_the_apps_code() {
    if !oathtool() {
        return;
    }
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    log_in_with_password(&browser, &app).await;
    assert_eq!(browser.path().await, "/admin");

    browser.goto(&app.url("/admin/account/two-factor")).await;
    browser.check_page("admin-two-factor").await;
    let qr = browser.css(".qr-code svg").await;
    let width = qr.rectangle().await.unwrap().2;
    assert!(
        width >= 200.0,
        "the QR code is {width} px wide: too small to scan"
    );
    let secret = browser.css("#totp-secret").await.text().await.unwrap();
    let secret = secret.replace(' ', "");
    browser
        .fill("#code", &oathtool_code(&secret, now_unix()))
        .await;
    browser
        .click_to_navigate(
            browser
                .css("form[action='/admin/account/two-factor'] button")
                .await,
        )
        .await;
    let codes = browser
        .client
        .find_all(fantoccini::Locator::Css(".recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    browser.check_page("admin-two-factor-codes").await;

    browser
        .click_to_navigate(browser.css("form[action='/admin/logout'] button").await)
        .await;
    log_in_with_password(&browser, &app).await;
    assert_eq!(browser.path().await, "/admin/login/code");
    browser.check_page("admin-login-code").await;
    browser
        .fill("#code", &oathtool_code(&secret, now_unix() + 30))
        .await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
    assert_eq!(browser.path().await, "/admin");
    app.stop().await;
    browser.close().await;
}
