//! What every page carries: metadata, landmarks, security headers.

use reportdesk::db::Backend;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp};

async fn every_page_has_a_title_description_canonical_link_and_open_graph_tags(app: &TestApp) {
    for (path, canonical) in [("/", "/"), (REPORT_PATH, REPORT_PATH)] {
        let page = app.get_page(path).await;
        assert!(page.contains("<title>"), "{path}");
        assert!(
            page.contains("<meta name=\"description\" content=\""),
            "{path}"
        );
        assert!(
            page.contains(&format!(
                "<link rel=\"canonical\" href=\"http://127.0.0.1:8080{canonical}\">"
            )),
            "{path}"
        );
        for tag in ["og:title", "og:description", "og:type", "og:url"] {
            assert!(
                page.contains(&format!("property=\"{tag}\"")),
                "{path} {tag}"
            );
        }
        assert!(page.contains("name=\"viewport\""), "{path}");
        assert_eq!(page.matches("<h1").count(), 1, "{path}");
        for landmark in ["<header", "<main id=\"main\"", "<footer", "<nav"] {
            assert!(page.contains(landmark), "{path} {landmark}");
        }
    }
}
both_backends!(every_page_has_a_title_description_canonical_link_and_open_graph_tags);

async fn every_response_carries_the_security_headers_and_no_server_version(app: &TestApp) {
    for path in [
        "/",
        REPORT_PATH,
        "/healthz",
        "/nowhere",
        "/static/css/site.css",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        assert!(!headers.contains_key("server"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "plain http must not send HSTS"
        );
    }
}
both_backends!(every_response_carries_the_security_headers_and_no_server_version);

async fn the_stylesheet_is_served_from_the_binary(app: &TestApp) {
    let response = app.get("/static/css/site.css").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains(".chart"));
    assert_eq!(app.get("/static/css/missing.css").await.status(), 404);
}
both_backends!(the_stylesheet_is_served_from_the_binary);

async fn a_post_to_a_read_only_page_is_refused_with_405(app: &TestApp) {
    let response = app.client.post(app.url(REPORT_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 405);
}
both_backends!(a_post_to_a_read_only_page_is_refused_with_405);

#[tokio::test]
async fn an_https_deployment_sends_strict_transport_security() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.public_url = "https://reports.example.com".into()
    })
    .await
    .unwrap();
    let response = app.get(REPORT_PATH).await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("<link rel=\"canonical\" href=\"https://reports.example.com/reports/"));
}

fn with_a_publisher(settings: &mut reportdesk::settings::Settings) {
    settings.publisher_name = "Meridian Research Ltd".into();
    settings.publisher_address = "1 Market Street, London EC1A 1AA".into();
    settings.publisher_url = "https://meridian-research.example".into();
}

async fn every_public_page_names_the_publisher_in_its_footer(app: &TestApp) {
    let form = format!("{REPORT_PATH}/inquiry");
    let thanks = format!("{REPORT_PATH}/thank-you?kind=inquiry");
    for path in ["/", REPORT_PATH, &form, &thanks, "/privacy"] {
        let page = app.get_page(path).await;
        let footer = crate::helpers::html::texts(&page, "footer .publisher");
        assert_eq!(
            footer,
            [
                "Published by Meridian Research Ltd · 1 Market Street, London EC1A 1AA · https://meridian-research.example · Privacy notice"
            ],
            "{path}"
        );
    }
}
both_backends!(
    every_public_page_names_the_publisher_in_its_footer,
    with_a_publisher
);

async fn an_unset_publisher_shows_as_unset_on_the_public_pages(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    let footer = crate::helpers::html::texts(&page, "footer .publisher").join(" ");
    assert!(
        footer.contains("[REPORTDESK_PUBLISHER_NAME is not set]"),
        "{footer}"
    );
}
both_backends!(an_unset_publisher_shows_as_unset_on_the_public_pages);

fn with_a_one_hour_inquiry_target_and_samples_reviewed(
    settings: &mut reportdesk::settings::Settings,
) {
    settings.response_target_inquiry_minutes = 60;
    settings.sample_release = reportdesk::domain::sample::SampleRelease::Review;
}

async fn the_forms_promise_what_the_settings_say(app: &TestApp) {
    let inquiry = app.get_page(&format!("{REPORT_PATH}/inquiry")).await;
    assert!(
        inquiry.contains("An analyst replies within 1 hour."),
        "{inquiry}"
    );
    let sample = app.get_page(&format!("{REPORT_PATH}/sample-request")).await;
    assert!(
        sample.contains("Our team checks each request and sends the sample within 4 hours."),
        "{sample}"
    );
    let discount = app
        .get_page(&format!("{REPORT_PATH}/thank-you?kind=discount"))
        .await;
    assert!(discount.contains("for the licence you chose within 2 hours."));
    assert!(!inquiry.contains("working day") && !sample.contains("working day"));
}
both_backends!(
    the_forms_promise_what_the_settings_say,
    with_a_one_hour_inquiry_target_and_samples_reviewed
);
