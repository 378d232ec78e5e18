//! The buyer's confirmation: where it went, and how many one client can cause.

use crate::both_backends;
use crate::helpers::{
    REPORT_PATH, TestApp, form_token_in, post_urlencoded, valid_fields, with_field,
};
use crate::staff::new_browser;

/// Sends the inquiry form from `browser`; answers the thank-you page's HTML
/// and its Cache-Control.
async fn send_and_thank(app: &TestApp, browser: &reqwest::Client, email: &str) -> (String, String) {
    let form = app.url(&format!("{REPORT_PATH}/inquiry"));
    let page = browser
        .get(&form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fields = with_field(valid_fields(), "email", email);
    let fields = with_field(fields, "form_token", &form_token_in(&page));
    let sent = post_urlencoded(browser, &form, &fields).await;
    assert_eq!(sent.status(), 303);
    let location = sent.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains('@'), "the address stays out of the URL");
    let thanks = browser.get(app.url(&location)).send().await.unwrap();
    let cache = thanks.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    (thanks.text().await.unwrap(), cache)
}

async fn the_thank_you_page_names_the_address_the_confirmation_went_to(app: &TestApp) {
    let buyer = new_browser();
    let (page, cache) = send_and_thank(app, &buyer, "jane.doe@acme-health.com").await;
    assert!(
        page.contains("We have sent a confirmation to <strong>jane.doe@acme-health.com</strong>"),
        "{page}"
    );
    assert!(cache.contains("no-store"));
    let stranger = new_browser();
    let thank_you = format!("{REPORT_PATH}/thank-you?kind=inquiry");
    let theirs = stranger.get(app.url(&thank_you)).send().await.unwrap();
    let theirs = theirs.text().await.unwrap();
    assert!(!theirs.contains("jane.doe"), "another browser is not told");
    assert!(!theirs.contains("We have sent a confirmation"));
}
both_backends!(the_thank_you_page_names_the_address_the_confirmation_went_to);

async fn one_client_address_causes_at_most_ten_confirmations_an_hour(app: &TestApp) {
    let browser = new_browser();
    let mut named = 0;
    for i in 1..=12 {
        let (page, _) = send_and_thank(app, &browser, &format!("buyer{i}@acme-health.com")).await;
        if page.contains("We have sent a confirmation") {
            named += 1;
        }
    }
    assert_eq!(app.leads().len(), 12, "every request is a lead");
    assert_eq!(
        app.outbox_mails("sales_notification").len(),
        12,
        "sales hear of each"
    );
    assert_eq!(app.outbox_mails("buyer_confirmation").len(), 10);
    assert_eq!(named, 10, "the page names an address only when mailed");
}
fn with_the_default_confirmation_limit(settings: &mut reportdesk::settings::Settings) {
    settings.confirmations_per_client_per_hour = 10;
}
both_backends!(
    one_client_address_causes_at_most_ten_confirmations_an_hour,
    with_the_default_confirmation_limit
);

async fn the_confirmation_quotes_nothing_the_buyer_typed_but_their_name(app: &TestApp) {
    let lure = "Win a prize at http://evil.example";
    let fields = with_field(valid_fields(), "message", lure);
    let fields = with_field(fields, "company", "Prize Desk http://evil.example");
    let fields = with_field(fields, "job_title", "Click http://evil.example");
    let fields = with_field(fields, "budget", "http://evil.example");
    app.submit(&format!("{REPORT_PATH}/inquiry"), fields).await;
    let confirmations = app.outbox_mails("buyer_confirmation");
    assert_eq!(confirmations.len(), 1);
    let (_, text) = &confirmations[0];
    assert!(text.contains("Dear Jane Doe"));
    assert!(!text.contains("evil.example"), "{text}");
    assert!(!text.contains("Prize Desk"));
}
both_backends!(the_confirmation_quotes_nothing_the_buyer_typed_but_their_name);

fn with_a_publisher(settings: &mut reportdesk::settings::Settings) {
    settings.publisher_name = "Meridian Research Ltd".into();
    settings.publisher_address = "1 Market Street, London EC1A 1AA, United Kingdom".into();
    settings.publisher_url = "https://meridian-research.example".into();
    settings.public_url = "https://reports.meridian-research.example".into();
}

async fn the_confirmation_is_signed_and_footed_by_the_publisher(app: &TestApp) {
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(
        text.contains("Kind regards,\nMeridian Research Ltd"),
        "{text}"
    );
    assert!(text.contains(
        "Meridian Research Ltd · 1 Market Street, London EC1A 1AA, United Kingdom · https://meridian-research.example"
    ));
    assert!(text.contains("privacy notice: https://reports.meridian-research.example/privacy"));
    assert!(!text.contains("reportdesk team"));
}
both_backends!(
    the_confirmation_is_signed_and_footed_by_the_publisher,
    with_a_publisher
);

async fn an_unset_publisher_is_named_as_unset_in_the_confirmation(app: &TestApp) {
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(
        text.contains("[REPORTDESK_PUBLISHER_NAME is not set]"),
        "{text}"
    );
}
both_backends!(an_unset_publisher_is_named_as_unset_in_the_confirmation);

async fn the_confirmation_comes_from_the_publisher_and_recaps_the_request(app: &TestApp) {
    let fields = with_field(valid_fields(), "licence", "enterprise");
    app.submit(&format!("{REPORT_PATH}/discount"), fields).await;
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(text.contains("Request:  Discount"), "{text}");
    assert!(
        text.contains("Licence:  Enterprise (whole organisation)"),
        "{text}"
    );
    assert!(
        text.contains("Message:  received with your request"),
        "{text}"
    );
    // The discount target is two hours; the buyer reads it, and the time.
    assert!(text.contains("within 2 hours, by 20"), "{text}");
    let sent = app.sent_eml(2).await;
    let confirmation = sent
        .iter()
        .find(|raw| raw.contains("Auto-Submitted: auto-replied"))
        .expect("the confirmation was sent");
    assert!(
        confirmation.contains("From: \"Meridian Research Ltd\" <no-reply@localhost>"),
        "{confirmation}"
    );
    let notification = sent
        .iter()
        .find(|raw| raw.contains("Auto-Submitted: auto-generated"))
        .expect("the sales notification was sent");
    assert!(notification.contains("From: reportdesk <no-reply@localhost>"));
}
both_backends!(
    the_confirmation_comes_from_the_publisher_and_recaps_the_request,
    with_a_publisher
);
