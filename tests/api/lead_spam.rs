//! Spam is stored (never dropped, never sent on), replays are idempotent, floods are limited.

use reportdesk::db::Backend;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::security::form_token::FormTokens;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp, form_token_in, valid_fields, with_field};

fn inquiry() -> String {
    format!("{REPORT_PATH}/inquiry")
}

fn report_id(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use reportdesk::db::schema::reports;
    let mut conn = app.pool().get().unwrap();
    reports::table.select(reports::id).first(&mut conn).unwrap()
}

async fn a_filled_honeypot_is_stored_as_spam_and_thanked_as_usual(app: &TestApp) {
    let response = app
        .submit(
            &inquiry(),
            with_field(valid_fields(), "website", "http://cheap-pills.test"),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/thank-you?kind=inquiry")
    );
    let leads = app.leads();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].status, "spam");
    assert_eq!(
        leads[0].spam_reason.as_deref(),
        Some("honeypot field was filled")
    );
}
both_backends!(a_filled_honeypot_is_stored_as_spam_and_thanked_as_usual);

async fn spam_does_not_overwrite_a_real_contact(app: &TestApp) {
    app.submit(&inquiry(), valid_fields()).await;
    let spam = with_field(
        with_field(valid_fields(), "website", "x"),
        "company",
        "Spam Ltd",
    );
    app.submit(&inquiry(), spam).await;
    assert_eq!(app.contacts()[0].company, "Acme Health");
    assert_eq!(app.leads().len(), 2);
}
both_backends!(spam_does_not_overwrite_a_real_contact);

async fn the_same_form_sent_twice_is_one_lead_and_the_same_thank_you(app: &TestApp) {
    let (_, token) = app.open_form(&inquiry()).await;
    let fields = with_field(valid_fields(), "form_token", &token);
    let first = app.post_form(&inquiry(), &fields).await;
    let second = app.post_form(&inquiry(), &fields).await;
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"]);
    assert_eq!(app.leads().len(), 1);
    assert_eq!(app.event_details("created").len(), 1);
}
both_backends!(the_same_form_sent_twice_is_one_lead_and_the_same_thank_you);

async fn an_expired_form_is_shown_again_with_the_input_a_fresh_token_and_a_reason(app: &TestApp) {
    let day_and_a_bit_ago = reportdesk::db::now_unix() - 25 * 3600;
    let stale = FormTokens::new(&app.secret_key).issue(
        LeadKind::Inquiry,
        report_id(app),
        day_and_a_bit_ago,
    );
    let response = app
        .post_form(
            &inquiry(),
            &with_field(valid_fields(), "form_token", &stale),
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("it has expired"));
    assert!(page.contains("value=\"Jane Doe\""));
    let fresh = crate::helpers::form_token_in(&page);
    assert_ne!(fresh, stale);
    assert!(app.leads().is_empty());

    let retry = app
        .post_form(
            &inquiry(),
            &with_field(valid_fields(), "form_token", &fresh),
        )
        .await;
    assert_eq!(retry.status(), 303);
    assert_eq!(app.leads().len(), 1);
}
both_backends!(an_expired_form_is_shown_again_with_the_input_a_fresh_token_and_a_reason);

async fn a_forged_or_foreign_token_is_refused_and_nothing_is_stored(app: &TestApp) {
    let other_key = FormTokens::new(&[9u8; 64]).issue(
        LeadKind::Inquiry,
        report_id(app),
        reportdesk::db::now_unix(),
    );
    let (_, discount_token) = app.open_form(&format!("{REPORT_PATH}/discount")).await;
    for token in [
        "",
        "v1.inquiry.1.2.3.abcd",
        other_key.as_str(),
        discount_token.as_str(),
    ] {
        let response = app
            .post_form(&inquiry(), &with_field(valid_fields(), "form_token", token))
            .await;
        assert_eq!(response.status(), 422, "{token:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("We could not confirm that this form came from our site")
        );
    }
    assert!(app.leads().is_empty());
}
both_backends!(a_forged_or_foreign_token_is_refused_and_nothing_is_stored);

async fn attribution_from_the_first_page_view_is_copied_onto_the_lead(app: &TestApp) {
    let landing = app
        .client
        .get(app.url(&format!(
            "{REPORT_PATH}?utm_source=linkedin&utm_medium=social&utm_campaign=launch"
        )))
        .header("referer", "https://www.linkedin.com/feed/")
        .send()
        .await
        .unwrap();
    assert_eq!(landing.status(), 200);
    // A later view with other tags does not replace the first touch.
    app.get_page("/?utm_source=newsletter").await;
    app.submit(&inquiry(), valid_fields()).await;
    let lead = &app.leads()[0];
    assert_eq!(lead.utm_source.as_deref(), Some("linkedin"));
    assert_eq!(lead.utm_medium.as_deref(), Some("social"));
    assert_eq!(lead.utm_campaign.as_deref(), Some("launch"));
    assert_eq!(
        lead.referrer.as_deref(),
        Some("https://www.linkedin.com/feed/")
    );
    assert_eq!(lead.landing_path.as_deref(), Some(REPORT_PATH));
}
both_backends!(attribution_from_the_first_page_view_is_copied_onto_the_lead);

async fn utm_tags_on_the_form_url_count_when_the_first_touch_had_none(app: &TestApp) {
    let path = format!("{}?utm_source=mailing&utm_campaign=spring", inquiry());
    let (page, token) = app.open_form(&path).await;
    assert!(page.contains("action=\"/reports/global-medical-second-opinion-market/inquiry?utm_source=mailing&#38;utm_campaign=spring\""));
    app.post_form(&path, &with_field(valid_fields(), "form_token", &token))
        .await;
    let lead = &app.leads()[0];
    assert_eq!(lead.utm_source.as_deref(), Some("mailing"));
    assert_eq!(lead.utm_campaign.as_deref(), Some("spring"));
}
both_backends!(utm_tags_on_the_form_url_count_when_the_first_touch_had_none);

#[tokio::test]
async fn a_form_sent_faster_than_the_minimum_is_stored_as_spam() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.form_min_seconds = 60)
        .await
        .unwrap();
    let response = app.submit(&inquiry(), valid_fields()).await;
    assert_eq!(response.status(), 303);
    let lead = &app.leads()[0];
    assert_eq!(lead.status, "spam");
    assert!(
        lead.spam_reason
            .as_deref()
            .unwrap()
            .contains("minimum 60 s"),
        "{:?}",
        lead.spam_reason
    );
    app.stop().await;
}

/// Opens the inquiry form `seconds_ago`, sends it with `broken` left wrong,
/// then corrects the form shown again and sends it at once.
async fn correct_at_once(app: &TestApp, seconds_ago: i64, broken: (&'static str, &str)) {
    let now = reportdesk::db::now_unix();
    let first = FormTokens::new(&app.secret_key).issue(
        LeadKind::Inquiry,
        report_id(app),
        now - seconds_ago,
    );
    let mistaken = with_field(
        with_field(valid_fields(), broken.0, broken.1),
        "form_token",
        &first,
    );
    let shown_again = app.post_form(&inquiry(), &mistaken).await;
    assert_eq!(shown_again.status(), 422);
    let again = form_token_in(&shown_again.text().await.unwrap());
    let corrected = with_field(valid_fields(), "form_token", &again);
    assert_eq!(app.post_form(&inquiry(), &corrected).await.status(), 303);
}

/// The minimum fill time is the buyer's, from the first look at the form, not
/// from the page that asked them to fix something.
#[tokio::test]
async fn a_buyer_who_fixes_a_mistake_within_a_second_is_a_real_lead() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.form_min_seconds = 5)
        .await
        .unwrap();
    correct_at_once(&app, 20, ("consent", "")).await;
    correct_at_once(&app, 20, ("email", "jane@")).await;
    // A form left open for more than a day, sent, told it expired, sent again.
    correct_at_once(&app, 25 * 3600, ("consent", "yes")).await;
    let statuses: Vec<String> = app.leads().into_iter().map(|l| l.status).collect();
    assert_eq!(statuses, ["new", "new", "new"]);
    app.stop().await;
}

#[tokio::test]
async fn form_posts_over_the_rate_limit_get_429_with_retry_after() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.rate_limit_per_minute = 2)
        .await
        .unwrap();
    for _ in 0..2 {
        assert_eq!(app.submit(&inquiry(), valid_fields()).await.status(), 303);
    }
    let response = app.submit(&inquiry(), valid_fields()).await;
    assert_eq!(response.status(), 429);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert!(response.text().await.unwrap().contains("Too many requests"));
    assert_eq!(app.leads().len(), 2);
    // Reading pages is not limited.
    assert_eq!(app.get(REPORT_PATH).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_does_not_escape_the_limit() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.rate_limit_per_minute = 1)
        .await
        .unwrap();
    let (_, token) = app.open_form(&inquiry()).await;
    let fields = with_field(valid_fields(), "form_token", &token);
    app.post_form(&inquiry(), &fields).await;
    let body = serde_urlencoded::to_string(&fields).unwrap();
    let spoofed = app
        .client
        .post(app.url(&inquiry()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "203.0.113.77")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status(), 429);
    app.stop().await;
}
