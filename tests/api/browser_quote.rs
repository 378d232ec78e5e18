//! From "Ask for a discount" to an accepted quote, in a real browser: the
//! buyer picks a licence in the price table and names a target price, a rep
//! makes and sends an offer, the buyer accepts it. Each page is checked
//! with axe; the price table is photographed on a desktop and a phone.

use fantoccini::Locator;
use reportdesk::db::Backend;

use crate::browser::Browser;
use crate::browser_buyer::fill_valid;
use crate::helpers::{REPORT_PATH, TestApp};
use crate::staff::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_goes_from_the_price_table_to_an_accepted_quote() {
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.create_user("ada@publisher.test", "Ada Admin", "admin");

    browser
        .goto(&app.url(&format!("{REPORT_PATH}?currency=EUR#prices")))
        .await;
    browser.check_page("price-table-desktop").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser
        .goto(&app.url(&format!("{REPORT_PATH}?currency=EUR#prices")))
        .await;
    browser.check_page("price-table-phone").await;
    let sideways = browser
        .eval("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await;
    assert_eq!(sideways, 0, "the price table fits a phone");
    browser.client.set_window_size(1280, 900).await.unwrap();

    browser
        .click_to_navigate(
            browser
                .css(&format!(
                    "a[href='{REPORT_PATH}/discount?licence=multi&currency=EUR']"
                ))
                .await,
        )
        .await;
    assert!(
        browser
            .css("#licence-multi")
            .await
            .is_selected()
            .await
            .unwrap(),
        "the licence chosen in the table is ticked"
    );
    fill_valid(&browser, "discount").await;
    browser.fill("#target_price", "5000").await;
    browser.check_page("discount-form-priced").await;
    browser
        .click_to_navigate(browser.css("form.lead-form button[type=submit]").await)
        .await;
    assert!(browser.path().await.contains("/thank-you"));
    let lead = app.leads()[0].id;

    browser.goto(&app.url("/admin/login")).await;
    browser.fill("#email", "ada@publisher.test").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
    browser
        .goto(&app.url(&format!("/admin/leads/{lead}")))
        .await;
    assert!(
        browser
            .css(".lead-price")
            .await
            .text()
            .await
            .unwrap()
            .contains("16.7 % off")
    );
    browser
        .css("#offer-licence option[value='multi']")
        .await
        .click()
        .await
        .unwrap();
    browser.fill("#offer-price", "5200").await;
    browser
        .click_to_navigate(browser.css("form.offer-form button[type=submit]").await)
        .await;
    browser.check_page("admin-lead-offers").await;
    browser
        .click_to_navigate(browser.css("button[name=action][value=send]").await)
        .await;
    let quotes = app.outbox_mails("quote");
    let body = &quotes[0].1;
    let start = body.find("/quotes/").unwrap();
    let path = body[start..].split_whitespace().next().unwrap().to_owned();

    browser.goto(&app.url(&path)).await;
    browser.check_page("quote").await;
    browser
        .click_to_navigate(
            browser
                .client
                .find(Locator::Css(".quote-accept button"))
                .await
                .unwrap(),
        )
        .await;
    assert!(
        browser
            .css(".notice")
            .await
            .text()
            .await
            .unwrap()
            .contains("You accepted this quote")
    );
    browser.check_page("quote-accepted").await;
    app.stop().await;
    browser.close().await;
}
