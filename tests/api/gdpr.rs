//! A buyer's data: export on request, erasure, and the retention policy.

use std::time::Duration;

use diesel::prelude::*;
use reportdesk::db::schema::{contacts, lead_events, leads, outbox};
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::workflow::retention::apply_retention;

use crate::both_backends;
use crate::helpers::html::texts;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};

const DAY: i64 = 86_400;

/// Every text value in the tables that hold personal data, as one string.
fn everything_stored(app: &TestApp) -> String {
    let mut conn = app.pool().get().unwrap();
    let mut all = String::new();
    macro_rules! dump {
        ($($table:ident . $column:ident),* $(,)?) => {$(
            let values: Vec<Option<String>> = $table::table.select($table::$column.nullable()).load(&mut conn).unwrap();
            all.push_str(&format!("{values:?}"));
        )*};
    }
    dump!(
        contacts.email_normalized,
        contacts.name,
        contacts.company,
        contacts.phone,
        contacts.job_title,
        contacts.email_domain,
        leads.message,
        leads.name,
        leads.company,
        leads.job_title,
        leads.phone,
        leads.budget,
        leads.referrer,
        leads.landing_path,
        leads.spam_reason,
        lead_events.detail,
        outbox.to_addr,
        outbox.reply_to,
        outbox.subject,
        outbox.body_text,
        outbox.body_html,
        outbox.last_error,
    );
    all
}

const PERSONAL: [&str; 7] = [
    "Zelda Quokka",
    "zelda.quokka",
    "quokka-corp.test",
    "Quokka Corp",
    "+61 2 5550 1234",
    "Chief Marsupial",
    "our secret expansion",
];

fn zelda() -> Vec<(&'static str, String)> {
    let mut fields = valid_fields();
    for (name, value) in [
        ("name", "Zelda Quokka"),
        ("email", "zelda.quokka@quokka-corp.test"),
        ("company", "Quokka Corp"),
        ("phone", "+61 2 5550 1234"),
        ("job_title", "Chief Marsupial"),
        (
            "message",
            "Tell me about our secret expansion into Asia-Pacific.",
        ),
    ] {
        fields = with_field(fields, name, value);
    }
    fields
}

async fn the_export_holds_every_lead_event_and_mail_of_the_contact(app: &TestApp) {
    let ada = app.admin().await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), zelda()).await;
    app.submit(&format!("{REPORT_PATH}/discount"), zelda())
        .await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    let contact_id = app.leads()[0].contact_id;
    let response = ada
        .get(&format!("/admin/contacts/{contact_id}/export.json"))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let data: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(data["contact"]["email"], "zelda.quokka@quokka-corp.test");
    assert_eq!(data["contact"]["phone"], "+61 2 5550 1234");
    let leads = data["leads"].as_array().unwrap();
    assert_eq!(leads.len(), 2, "both of Zelda's leads, and only hers");
    assert_eq!(leads[1]["kind"], "discount");
    assert!(
        leads[0]["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "created")
    );
    assert_eq!(leads[0]["mails"].as_array().unwrap().len(), 2);
    assert_eq!(
        ada.get("/admin/contacts/99999/export.json").await.status(),
        404
    );
}
both_backends!(the_export_holds_every_lead_event_and_mail_of_the_contact);

async fn after_erasure_no_personal_value_is_stored_or_shown(app: &TestApp) {
    let ada = app.admin().await;
    app.submit(
        &format!("{REPORT_PATH}/inquiry?utm_source=partner"),
        zelda(),
    )
    .await;
    app.submit(&format!("{REPORT_PATH}/discount"), zelda())
        .await;
    let lead_id = app.leads()[0].id;
    let contact_id = app.leads()[0].contact_id;
    let detail = format!("/admin/leads/{lead_id}");
    assert!(
        ada.page("/admin/leads?q=quokka")
            .await
            .contains(&format!("data-lead-id=\"{lead_id}\""))
    );
    ada.post(
        &detail,
        &format!("{detail}/notes"),
        &[("note", "Zelda Quokka prefers calls")],
    )
    .await;
    // Let the worker send (to .eml files) so the outbox holds sent mails too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        PERSONAL.iter().all(|v| everything_stored(app).contains(v)),
        "the values are there before"
    );

    let unconfirmed = ada
        .post(
            &format!("/admin/contacts/{contact_id}"),
            &format!("/admin/contacts/{contact_id}/erase"),
            &[],
        )
        .await;
    assert_eq!(unconfirmed.status(), 422);
    let erased = ada
        .post(
            &format!("/admin/contacts/{contact_id}"),
            &format!("/admin/contacts/{contact_id}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(erased.status(), 303);

    let stored = everything_stored(app);
    for value in PERSONAL {
        assert!(!stored.contains(value), "{value} is still stored");
    }
    let pages = [
        ada.page("/admin/leads").await,
        ada.page(&detail).await,
        ada.page(&format!("/admin/contacts/{contact_id}")).await,
        ada.get("/admin/leads/export.csv")
            .await
            .text()
            .await
            .unwrap(),
        ada.get(&format!("/admin/contacts/{contact_id}/export.json"))
            .await
            .text()
            .await
            .unwrap(),
        ada.page("/admin/audit").await,
    ];
    for page in &pages {
        for value in PERSONAL {
            assert!(!page.contains(value), "{value} is still shown");
        }
    }
    for search in ["quokka", "zelda", "marsupial", "ze"] {
        let found = ada.page(&format!("/admin/leads?q={search}")).await;
        assert!(
            !found.contains("data-lead-id="),
            "the search index forgot {search}"
        );
    }
    // Anonymous counts stay; the erasure is recorded with its actor.
    assert_eq!(app.leads().len(), 2);
    assert!(pages[1].contains("erased"));
    assert!(texts(&pages[5], "td").contains(&"erased".to_owned()));
}
both_backends!(after_erasure_no_personal_value_is_stored_or_shown);

async fn a_sales_user_cannot_erase(app: &TestApp) {
    app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_000,
    );
    app.create_user("sam@publisher.test", "Sam", "sales");
    let sam = app.login("sam@publisher.test").await;
    let contact_id = app.leads()[0].contact_id;
    let response = sam
        .post(
            &format!("/admin/contacts/{contact_id}"),
            &format!("/admin/contacts/{contact_id}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(everything_stored(app).contains("a@acme.test"));
}
both_backends!(a_sales_user_cannot_erase);

async fn retention_purges_old_spam_and_erases_only_closed_out_old_contacts(app: &TestApp) {
    let now = reportdesk::db::now_unix();
    let old_spam = app.seed_lead(
        LeadKind::Inquiry,
        "old-spam@bot.test",
        "Bot",
        LeadStatus::Spam,
        now - 40 * DAY,
    );
    let new_spam = app.seed_lead(
        LeadKind::Inquiry,
        "new-spam@bot.test",
        "Bot2",
        LeadStatus::Spam,
        now - 10 * DAY,
    );
    let lost_old = app.seed_lead(
        LeadKind::Inquiry,
        "lost-old@acme.test",
        "LostOld",
        LeadStatus::New,
        now - 100 * DAY,
    );
    let mixed_lost = app.seed_lead(
        LeadKind::Inquiry,
        "mixed@acme.test",
        "Mixed",
        LeadStatus::New,
        now - 100 * DAY,
    );
    app.seed_lead(
        LeadKind::Discount,
        "mixed@acme.test",
        "Mixed",
        LeadStatus::Won,
        now - 100 * DAY,
    );
    let lost_recent = app.seed_lead(
        LeadKind::Inquiry,
        "lost-recent@acme.test",
        "LostRecent",
        LeadStatus::New,
        now - 10 * DAY,
    );
    {
        let mut conn = app.pool().get().unwrap();
        for id in [lost_old, mixed_lost, lost_recent] {
            diesel::update(leads::table.find(id))
                .set(leads::status.eq("lost"))
                .execute(&mut conn)
                .unwrap();
        }
    }
    let outcome = {
        let mut conn = app.pool().get().unwrap();
        apply_retention(&mut conn, 90, now).unwrap()
    };
    assert_eq!(outcome.spam_purged, 1);
    assert_eq!(outcome.contacts_erased, 1);
    let ids: Vec<i64> = app.leads().iter().map(|l| l.id).collect();
    assert!(!ids.contains(&old_spam));
    assert!(ids.contains(&new_spam));
    let stored = everything_stored(app);
    assert!(
        !stored.contains("old-spam@bot.test"),
        "a spam-only contact goes with its spam"
    );
    assert!(!stored.contains("lost-old@acme.test"));
    assert!(
        stored.contains("mixed@acme.test"),
        "a contact with a won lead stays"
    );
    assert!(
        stored.contains("lost-recent@acme.test"),
        "a recent contact stays"
    );
    assert!(
        stored.contains("new-spam@bot.test"),
        "spam under 30 days stays"
    );
    let again = {
        let mut conn = app.pool().get().unwrap();
        apply_retention(&mut conn, 90, now).unwrap()
    };
    assert_eq!(
        (again.spam_purged, again.contacts_erased),
        (0, 0),
        "running twice changes nothing"
    );
}
both_backends!(retention_purges_old_spam_and_erases_only_closed_out_old_contacts);

/// The `.eml` files of the test app's file transport that mention `text`.
fn mail_files_mentioning(app: &TestApp, text: &str) -> usize {
    let dir = app.db.dir.path().join("mail");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
                .filter(|mail| mail.contains(text))
                .count()
        })
        .unwrap_or(0)
}

async fn erasure_removes_the_contacts_mail_copies_from_the_mail_folder(app: &TestApp) {
    let ada = app.admin().await;
    let erased_buyer = with_field(valid_fields(), "email", "zelda.quokka@acme.test");
    app.submit(&format!("{REPORT_PATH}/inquiry"), erased_buyer)
        .await;
    let other_buyer = with_field(valid_fields(), "email", "otto.other@acme.test");
    app.submit(&format!("{REPORT_PATH}/inquiry"), other_buyer)
        .await;
    // The app's own worker may be sending some of them: wait for the files.
    for _ in 0..100 {
        app.drain_outbox().await;
        if mail_files_mentioning(app, "@acme.test") == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        mail_files_mentioning(app, "zelda.quokka@acme.test"),
        2,
        "notification and confirmation"
    );
    assert_eq!(mail_files_mentioning(app, "otto.other@acme.test"), 2);

    let contact_id = app
        .contacts()
        .iter()
        .find(|c| c.email_normalized == "zelda.quokka@acme.test")
        .unwrap()
        .id;
    let contact = format!("/admin/contacts/{contact_id}");
    let erased = ada
        .post(
            &contact,
            &format!("{contact}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    assert_eq!(mail_files_mentioning(app, "zelda.quokka@acme.test"), 0);
    assert_eq!(
        mail_files_mentioning(app, "otto.other@acme.test"),
        2,
        "others' mails stay"
    );
}
both_backends!(erasure_removes_the_contacts_mail_copies_from_the_mail_folder);
