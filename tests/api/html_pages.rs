//! Every page a buyer or a sales person sees, saved as served, for the Nu HTML
//! Checker that `.ci/run` runs over `target/html-pages/` after the tests.

use std::path::PathBuf;

use reportdesk::db::Backend;
use reportdesk::db::models::inbound_mail::{self, NewInbound};
use reportdesk::domain::inbound::{InboundKind, InboundState};
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};

pub fn save(name: &str, html: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/html-pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_saved_for_the_html_checker() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for (name, path) in [
        ("catalog", "/".to_owned()),
        ("catalog-search", "/?q=medical".to_owned()),
        ("report", REPORT_PATH.to_owned()),
        ("privacy", "/privacy".to_owned()),
        ("thank-you", format!("{REPORT_PATH}/thank-you?kind=inquiry")),
        ("login", "/admin/login".to_owned()),
        ("password-reset", "/admin/password-reset".to_owned()),
    ] {
        save(name, &app.get_page(&path).await);
    }
    save(
        "not-found",
        &app.get("/reports/nope").await.text().await.unwrap(),
    );
    for kind in ["sample-request", "inquiry", "discount"] {
        let path = format!("{REPORT_PATH}/{kind}");
        save(&format!("form-{kind}"), &app.get_page(&path).await);
        let errors = app
            .submit(
                &path,
                with_field(with_field(valid_fields(), "email", "bad"), "consent", ""),
            )
            .await;
        assert_eq!(errors.status(), 422);
        save(
            &format!("form-{kind}-errors"),
            &errors.text().await.unwrap(),
        );
    }
    app.submit(&format!("{REPORT_PATH}/discount"), valid_fields())
        .await;
    app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        reportdesk::db::now_unix() - 3 * 3600,
    );
    let lead = app.leads()[0].id;
    // A reply on the lead and a mail for no lead: both lists have a row.
    for (lead_id, state) in [
        (Some(lead), InboundState::Matched),
        (None, InboundState::Unmatched),
    ] {
        let mut conn = app.pool().get().unwrap();
        let mail = NewInbound {
            received_at: reportdesk::db::now_unix(),
            via: "http",
            sender: "jane.doe@acme-health.com",
            subject: "Re: <your> inquiry",
            message_id: None,
            kind: InboundKind::Reply,
            state,
            lead_id,
            outbox_id: None,
            body_text: "Line one\n\n<b>not bold</b>",
            attachments: r#"[{"name":"po.pdf","size":1200}]"#.into(),
            size: 300,
        };
        inbound_mail::insert(&mut conn, &mail).unwrap();
    }
    let ada = app.admin().await;
    // An endpoint with a delivery (the lead's page lists it) and a token:
    // the pages that show a secret once are saved as answered.
    let receiver = crate::helpers::receiver::Receiver::start().await;
    let created = ada
        .post(
            "/admin/webhooks",
            "/admin/webhooks",
            &[
                ("url", receiver.url.as_str()),
                ("description", "CRM"),
                ("format", "standard"),
                ("enabled", "on"),
                ("event-lead.note_added", "on"),
            ],
        )
        .await;
    save("admin-webhooks-secret", &created.text().await.unwrap());
    let noted = ada
        .post(
            &format!("/admin/leads/{lead}"),
            &format!("/admin/leads/{lead}/notes"),
            &[("note", "Called, wants the EU chapter")],
        )
        .await;
    assert_eq!(noted.status(), 303);
    app.deliver_webhooks().await;
    let token = ada
        .post(
            "/admin/api-tokens",
            "/admin/api-tokens",
            &[("name", "CRM"), ("scope", "read")],
        )
        .await;
    save("admin-api-tokens-new", &token.text().await.unwrap());
    let contact = app.leads()[0].contact_id;
    for (name, path) in [
        ("admin-dashboard", "/admin".to_owned()),
        ("admin-leads", "/admin/leads".to_owned()),
        ("admin-my-day", "/admin/my-day".to_owned()),
        ("admin-lead", format!("/admin/leads/{lead}")),
        ("admin-contact", format!("/admin/contacts/{contact}")),
        ("admin-users", "/admin/users".to_owned()),
        ("admin-routing", "/admin/routing".to_owned()),
        ("admin-templates", "/admin/templates".to_owned()),
        ("admin-inbound", "/admin/inbound".to_owned()),
        ("admin-audit", "/admin/audit".to_owned()),
        ("admin-password", "/admin/account/password".to_owned()),
        ("admin-webhooks", "/admin/webhooks".to_owned()),
        ("admin-webhooks-edit", "/admin/webhooks?edit=1".to_owned()),
        ("admin-api-tokens", "/admin/api-tokens".to_owned()),
    ] {
        save(name, &ada.page(&path).await);
    }
    app.stop().await;
}
