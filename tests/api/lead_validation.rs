//! Bad input: a clear message beside the field, everything typed kept, nothing stored.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::html::attributes;
use crate::helpers::{REPORT_PATH, valid_fields, with_field};

fn inquiry() -> String {
    format!("{REPORT_PATH}/inquiry")
}

/// (field, bad value, message shown)
const BAD_VALUES: [(&str, &str, &str); 14] = [
    ("name", "", "Enter your name"),
    ("name", "J", "Name must be at least 2 characters"),
    (
        "email",
        "jane.doe",
        "Enter an email address like name@company.com",
    ),
    (
        "email",
        "jane@acme.com\r\nBcc: all@acme.com",
        "Enter an email address like name@company.com",
    ),
    (
        "phone",
        "call me maybe",
        "Enter a phone number of 7 to 20 characters",
    ),
    ("company", "", "Enter your company"),
    (
        "company",
        "Acme\r\nBcc: x@evil.test",
        "Company must be on one line",
    ),
    ("name", "Jane\nDoe", "Name must be on one line"),
    ("job_title", "CEO\u{0}", "Job title must be on one line"),
    ("country", "", "Select your country"),
    ("country", "XX", "Select a country from the list"),
    (
        "message",
        "Too short",
        "Message must be at least 10 characters",
    ),
    ("consent", "", "Tick the box to let us use your details"),
    ("email", "", "Enter your email address"),
];

async fn each_invalid_field_gets_422_its_message_and_keeps_the_other_values(app: &TestApp) {
    for (field, bad, message) in BAD_VALUES {
        let response = app
            .submit(&inquiry(), with_field(valid_fields(), field, bad))
            .await;
        assert_eq!(response.status(), 422, "{field}={bad:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains("There is a problem"), "{field}: summary");
        assert!(
            page.contains(&format!("<li><a href=\"#{field}\">{message}")),
            "{field}={bad:?}: summary link"
        );
        assert!(
            page.contains(&format!("id=\"{field}-error\"")),
            "{field}: message beside the field"
        );
        if field != "consent" {
            assert!(
                page.contains(&format!("aria-describedby=\"{field}-hint {field}-error\""))
                    || page.contains(&format!("aria-describedby=\"{field}-error\"")),
                "{field}: described by"
            );
            assert!(
                page.contains("aria-invalid=\"true\""),
                "{field}: aria-invalid"
            );
        }
        for (other, value) in [
            ("name", "Jane Doe"),
            ("company", "Acme Health"),
            ("job_title", "Director of Strategy"),
        ] {
            if other != field {
                assert!(
                    page.contains(&format!("name=\"{other}\" type=\"text\" value=\"{value}\"")),
                    "{field}: {other} kept"
                );
            }
        }
        if field != "country" {
            assert_eq!(
                attributes(&page, "select#country option[selected]", "value"),
                ["GB"],
                "{field}: country kept"
            );
        }
        if field != "consent" {
            assert!(
                page.contains("value=\"yes\" checked"),
                "{field}: consent kept"
            );
        }
    }
    assert!(app.leads().is_empty());
    assert!(app.contacts().is_empty());
}
both_backends!(each_invalid_field_gets_422_its_message_and_keeps_the_other_values);

async fn a_discount_request_without_a_licence_is_rejected_and_nothing_is_stored(app: &TestApp) {
    let path = format!("{REPORT_PATH}/discount");
    let response = app
        .submit(&path, with_field(valid_fields(), "licence", "free"))
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choose the licence you are interested in")
    );
    assert!(app.leads().is_empty());
}
both_backends!(a_discount_request_without_a_licence_is_rejected_and_nothing_is_stored);

async fn a_discount_request_with_a_bad_email_is_rejected_and_nothing_is_stored(app: &TestApp) {
    let path = format!("{REPORT_PATH}/discount");
    let response = app
        .submit(&path, with_field(valid_fields(), "email", "jane@@acme.com"))
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("value=\"jane@@acme.com\""),
        "the typed email is kept to correct"
    );
    assert!(
        page.contains("value=\"multi\" checked"),
        "the licence choice is kept"
    );
    assert!(app.leads().is_empty());
}
both_backends!(a_discount_request_with_a_bad_email_is_rejected_and_nothing_is_stored);

async fn a_body_over_32_kib_is_refused_with_413(app: &TestApp) {
    let (_, token) = app.open_form(&inquiry()).await;
    let fields = with_field(
        with_field(valid_fields(), "message", &"x".repeat(40 * 1024)),
        "form_token",
        &token,
    );
    let response = app.post_form(&inquiry(), &fields).await;
    assert_eq!(response.status(), 413);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("That was too much text")
    );
    assert!(app.leads().is_empty());
}
both_backends!(a_body_over_32_kib_is_refused_with_413);

async fn a_body_that_is_not_a_form_is_refused_with_400(app: &TestApp) {
    let response = app
        .client
        .post(app.url(&inquiry()))
        .header("content-type", "application/json")
        .body(r#"{"name":"Jane"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("We could not read that request")
    );
    assert!(app.leads().is_empty());
}
both_backends!(a_body_that_is_not_a_form_is_refused_with_400);
