//! The three lead forms: what the buyer sees, and what a valid submission stores.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::html::texts;
use crate::helpers::{REPORT_PATH, valid_fields, with_field};

const KINDS: [(&str, &str); 3] = [
    ("sample-request", "sample_request"),
    ("inquiry", "inquiry"),
    ("discount", "discount"),
];

fn form_path(segment: &str) -> String {
    format!("{REPORT_PATH}/{segment}")
}

async fn each_form_shows_the_report_labels_the_country_list_and_the_consent_sentence(
    app: &TestApp,
) {
    for (segment, _) in KINDS {
        let (page, token) = app.open_form(&form_path(segment)).await;
        assert!(
            page.contains("Global Medical Second Opinion Market, 2025–2035"),
            "{segment}"
        );
        for field in [
            "name",
            "email",
            "phone",
            "company",
            "job_title",
            "country",
            "message",
        ] {
            assert!(
                page.contains(&format!("<label for=\"{field}\">")),
                "{segment} label {field}"
            );
        }
        let option = |code: &str| texts(&page, &format!("select#country option[value={code}]"));
        assert_eq!(option("DE"), ["Germany"], "{segment}");
        assert_eq!(option("IN"), ["India"], "{segment}");
        assert!(page.contains("href=\"/privacy\""), "{segment}");
        assert!(page.contains("(required)"), "{segment}");
        assert!(page.contains("Include the country code"), "{segment}");
        assert!(
            page.contains(
                "name=\"website\" type=\"text\" value=\"\" tabindex=\"-1\" autocomplete=\"off\""
            ),
            "{segment} honeypot"
        );
        assert!(token.starts_with("v2."), "{segment}");
        let is_discount = segment == "discount";
        assert_eq!(
            page.contains("name=\"licence\" value=\"enterprise\""),
            is_discount,
            "{segment}"
        );
        // The bundled report has prices: a target price, not a budget.
        assert_eq!(
            page.contains("name=\"target_price\""),
            is_discount,
            "{segment}"
        );
    }
}
both_backends!(each_form_shows_the_report_labels_the_country_list_and_the_consent_sentence);

async fn a_valid_request_of_each_kind_is_stored_once_and_thanked_with_fitting_words(app: &TestApp) {
    for (segment, kind) in KINDS {
        let response = app.submit(&form_path(segment), valid_fields()).await;
        assert_eq!(response.status(), 303, "{segment}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, format!("{REPORT_PATH}/thank-you?kind={segment}"));
        let thanks = app.get_page(&location).await;
        let expected = match segment {
            "sample-request" => "your sample is on its way",
            "inquiry" => "your inquiry has reached our analysts",
            _ => "we are preparing your offer",
        };
        assert!(thanks.contains(expected), "{segment}");
        let leads = app.leads();
        let lead = leads.last().unwrap();
        assert_eq!(lead.kind, kind);
        assert_eq!(lead.status, "new");
        assert_eq!(lead.licence.is_some(), segment == "discount", "{segment}");
    }
    assert_eq!(app.leads().len(), 3);
    let contacts = app.contacts();
    assert_eq!(contacts.len(), 1);
    let contact = &contacts[0];
    assert_eq!(contact.email_normalized, "jane.doe@acme-health.com");
    assert_eq!(contact.name, "Jane Doe");
    assert_eq!(contact.company, "Acme Health");
    assert_eq!(contact.country, "GB");
    assert_eq!(contact.phone.as_deref(), Some("+44 20 7946 0958"));
    assert!(app.leads().iter().all(|l| l.contact_id == contact.id));
}
both_backends!(a_valid_request_of_each_kind_is_stored_once_and_thanked_with_fitting_words);

async fn the_discount_request_keeps_licence_budget_consent_and_opt_in(app: &TestApp) {
    let fields = with_field(
        with_field(valid_fields(), "licence", "enterprise"),
        "marketing_opt_in",
        "yes",
    );
    assert_eq!(
        app.submit(&form_path("discount"), fields).await.status(),
        303
    );
    let lead = &app.leads()[0];
    assert_eq!(lead.licence.as_deref(), Some("enterprise"));
    assert_eq!(lead.budget.as_deref(), Some("USD 4,000"));
    assert_eq!(lead.consent_text_version, "2026-11-25");
    assert!(lead.consent_at > 1_700_000_000);
    assert!(lead.marketing_opt_in);
}
both_backends!(the_discount_request_keeps_licence_budget_consent_and_opt_in);

async fn the_score_is_stored_with_its_reasons(app: &TestApp) {
    app.submit(&form_path("inquiry"), valid_fields()).await;
    let lead = &app.leads()[0];
    assert!(
        lead.score > 50,
        "a director at a business domain with a phone scores well: {}",
        lead.score
    );
    let detail: serde_json::Value = serde_json::from_str(&app.event_details("created")[0]).unwrap();
    assert_eq!(detail["score"], lead.score);
    let reasons: Vec<&str> = detail["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"+30 business email domain (acme-health.com)"),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"+20 senior job title"), "{reasons:?}");
}
both_backends!(the_score_is_stored_with_its_reasons);

async fn a_free_mail_address_is_accepted_and_scored_lower(app: &TestApp) {
    app.submit(&form_path("sample-request"), valid_fields())
        .await;
    let response = app
        .submit(
            &form_path("sample-request"),
            with_field(valid_fields(), "email", "jane.doe@gmail.com"),
        )
        .await;
    assert_eq!(response.status(), 303);
    let leads = app.leads();
    assert_eq!(leads.len(), 2);
    assert_eq!(leads[0].score - leads[1].score, 30);
}
both_backends!(a_free_mail_address_is_accepted_and_scored_lower);

async fn the_same_email_twice_is_one_contact_with_two_leads_and_the_latest_details(app: &TestApp) {
    app.submit(&form_path("inquiry"), valid_fields()).await;
    let second = with_field(
        with_field(valid_fields(), "email", "  JANE.DOE@Acme-Health.com "),
        "company",
        "Acme Health Group",
    );
    assert_eq!(
        app.submit(&form_path("discount"), second).await.status(),
        303
    );
    let contacts = app.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].company, "Acme Health Group");
    assert_eq!(app.leads().len(), 2);
}
both_backends!(the_same_email_twice_is_one_contact_with_two_leads_and_the_latest_details);

async fn a_message_with_markup_is_stored_as_typed_and_escaped_when_shown(app: &TestApp) {
    let payload = "<script>alert('x')</script>\nSecond line & more";
    let fields = with_field(valid_fields(), "message", payload);
    assert_eq!(
        app.submit(&form_path("inquiry"), fields.clone())
            .await
            .status(),
        303
    );
    assert_eq!(app.leads()[0].message.as_deref(), Some(payload));

    let shown = app
        .submit(&form_path("inquiry"), with_field(fields, "email", "nope"))
        .await;
    assert_eq!(shown.status(), 422);
    let page = shown.text().await.unwrap();
    assert!(!page.contains("<script>alert"));
    assert!(
        page.contains(
            "&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;\nSecond line &#38; more"
        )
    );
}
both_backends!(a_message_with_markup_is_stored_as_typed_and_escaped_when_shown);

async fn the_privacy_notice_says_what_is_stored_why_and_for_how_long(app: &TestApp) {
    let page = app.get_page("/privacy").await;
    for heading in ["What we store", "Why", "How long we keep it"] {
        assert!(page.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
}
both_backends!(the_privacy_notice_says_what_is_stored_why_and_for_how_long);

async fn the_thank_you_page_of_an_unknown_report_is_not_found(app: &TestApp) {
    assert_eq!(
        app.get("/reports/no-such-report/thank-you").await.status(),
        404
    );
    assert_eq!(
        app.get("/reports/no-such-report/inquiry").await.status(),
        404
    );
    let post = app
        .post_form("/reports/no-such-report/inquiry", &valid_fields())
        .await;
    assert_eq!(post.status(), 404);
    assert!(app.leads().is_empty());
}
both_backends!(the_thank_you_page_of_an_unknown_report_is_not_found);

async fn a_form_answers_other_methods_with_405(app: &TestApp) {
    let response = app
        .client
        .put(app.url(&form_path("inquiry")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let response = app
        .client
        .delete(app.url(&form_path("discount")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}
both_backends!(a_form_answers_other_methods_with_405);
