//! Bulk actions beyond status: release from spam, mark as spam, export the
//! chosen leads, and a bulk assign that tells the new owner once; every
//! lead's audit entry carries the batch id.

use diesel::prelude::*;
use reportdesk::db::now_unix;
use reportdesk::db::schema::audit_log;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::staff::StaffClient;

/// Confirms `action` on the leads `ids`, as the confirmation page's form
/// does; answers the response.
async fn confirm(
    staff: &StaffClient<'_>,
    ids: &[i64],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let ids = ids.join(",");
    let mut all = vec![("confirm", "yes"), ("ids", ids.as_str())];
    all.extend_from_slice(fields);
    staff.post("/admin/leads", "/admin/leads/bulk", &all).await
}

fn seed(app: &TestApp, count: usize, status: LeadStatus) -> Vec<i64> {
    let now = now_unix();
    (0..count)
        .map(|i| {
            let email = format!("buyer{i}.{}@firm{i}.test", status.as_db());
            app.seed_lead(LeadKind::Inquiry, &email, "Firm", status, now)
        })
        .collect()
}

/// `(target, detail)` of every bulk-change entry in the audit log.
fn bulk_entries(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.pool().get().unwrap();
    audit_log::table
        .filter(audit_log::action.eq("bulk_change"))
        .order(audit_log::id)
        .select((audit_log::target, audit_log::detail))
        .load(&mut conn)
        .unwrap()
}

async fn every_lead_of_a_batch_has_an_audit_entry_under_the_batch_id(app: &TestApp) {
    let ids = seed(app, 12, LeadStatus::New);
    let ada = app.admin().await;
    let done = confirm(&ada, &ids, &[("action", "note"), ("note", "Call list")]).await;
    assert_eq!(done.status(), 303);
    let entries = bulk_entries(app);
    assert_eq!(entries.len(), 13, "one per lead and one for the batch");
    let (summary_target, summary_detail) = entries.last().unwrap();
    let batch = summary_target
        .strip_prefix("batch ")
        .unwrap()
        .strip_suffix(": 12 leads")
        .unwrap();
    assert!(summary_detail.starts_with("add a note: #"));
    for (id, (target, detail)) in ids.iter().zip(&entries) {
        assert_eq!(target, &format!("lead #{id}"));
        assert_eq!(detail, &format!("batch {batch}: add a note"));
    }
}
both_backends!(every_lead_of_a_batch_has_an_audit_entry_under_the_batch_id);

async fn a_bulk_assign_mails_the_new_owner_once_and_not_when_taking_leads_oneself(app: &TestApp) {
    let ids = seed(app, 60, LeadStatus::New);
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ada = app.admin().await;
    let ada_id = app.user_id("ada@publisher.test");
    let sam = sam.to_string();
    let done = confirm(&ada, &ids, &[("action", "assign"), ("owner", &sam)]).await;
    assert_eq!(done.status(), 303);
    let mails = app.outbox_mails("owner_notification");
    assert_eq!(mails.len(), 1, "one mail for the batch");
    let (to, body) = &mails[0];
    assert!(to.contains("sam@publisher.test"));
    assert!(body.starts_with("Ada Admin gave you 60 leads"), "{body}");
    assert_eq!(body.matches("/admin/leads/").count(), 50, "fifty listed");
    assert!(body.contains("…and 10 more."));
    assert!(body.contains(&format!("/admin/leads?assignee={sam}")));
    assert!(!body.contains("Please send"), "no buyer words");
    // Taking them oneself tells nobody; neither does an unchanged owner.
    let me = ada_id.to_string();
    confirm(&ada, &ids, &[("action", "assign"), ("owner", &me)]).await;
    confirm(&ada, &ids, &[("action", "assign"), ("owner", &me)]).await;
    assert_eq!(app.outbox_mails("owner_notification").len(), 1);
}
both_backends!(a_bulk_assign_mails_the_new_owner_once_and_not_when_taking_leads_oneself);

async fn leads_released_from_spam_in_bulk_are_new_owned_and_mailed(app: &TestApp) {
    let held = seed(app, 3, LeadStatus::Spam);
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ada = app.admin().await;
    let done = confirm(&ada, &held, &[("action", "release")]).await;
    assert_eq!(done.status(), 303);
    let leads = app.leads();
    assert!(leads.iter().all(|l| l.status == "new"));
    assert_eq!(app.event_details("released").len(), 3);
    assert_eq!(app.outbox_mails("sales_notification").len(), 3);
    assert_eq!(app.outbox_mails("buyer_confirmation").len(), 3);
    // A lead not held as spam stops the batch: nothing changes.
    let refused = confirm(&ada, &held, &[("action", "release")]).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(app.event_details("released").len(), 3);
}
both_backends!(leads_released_from_spam_in_bulk_are_new_owned_and_mailed);

async fn leads_marked_as_spam_in_bulk_leave_the_open_list_for_the_spam_tab(app: &TestApp) {
    let open = seed(app, 4, LeadStatus::New);
    let ada = app.admin().await;
    let done = confirm(&ada, &open[..3], &[("action", "mark-spam")]).await;
    assert_eq!(done.status(), 303);
    let listed = ada.page("/admin/leads").await;
    assert_eq!(listed.matches("data-lead-id=").count(), 1);
    let spam = ada.page("/admin/leads?status=spam").await;
    assert_eq!(spam.matches("data-lead-id=").count(), 3);
    let held = ada.page(&format!("/admin/leads/{}", open[0])).await;
    assert!(held.contains("marked as spam by staff"), "{held}");
    // Released again, each is new as before.
    confirm(&ada, &open[..3], &[("action", "release")]).await;
    assert!(app.leads().iter().all(|l| l.status == "new"));
    // A won lead stays won.
    let won = seed(app, 1, LeadStatus::Won);
    let refused = confirm(&ada, &won, &[("action", "mark-spam")]).await;
    assert_eq!(refused.status(), 422);
}
both_backends!(leads_marked_as_spam_in_bulk_leave_the_open_list_for_the_spam_tab);

async fn exporting_the_ticked_leads_gives_exactly_their_rows(app: &TestApp) {
    let ids = seed(app, 5, LeadStatus::New);
    let ada = app.admin().await;
    let (first, third) = (format!("lead-{}", ids[0]), format!("lead-{}", ids[2]));
    let response = ada
        .post(
            "/admin/leads",
            "/admin/leads/bulk",
            &[
                ("action", "export"),
                ("query", "sort=oldest"),
                (&first, "on"),
                (&third, "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].starts_with(&format!("{},", ids[0])), "{csv}");
    assert!(rows[1].starts_with(&format!("{},", ids[2])), "{csv}");
    assert_eq!(bulk_entries(app).len(), 0, "an export changes nothing");
}
both_backends!(exporting_the_ticked_leads_gives_exactly_their_rows);

async fn a_bulk_move_to_contacted_asks_for_the_next_step_and_sets_it_on_every_lead(app: &TestApp) {
    let ids = seed(app, 3, LeadStatus::New);
    let ada = app.admin().await;
    let moving = [("action", "status"), ("status", "contacted")];
    let asked = confirm(&ada, &ids, &moving).await;
    assert_eq!(asked.status(), 422);
    let page = asked.text().await.unwrap();
    assert!(page.contains("Give the next step"), "{page}");
    assert!(
        page.contains("name=\"next_due\""),
        "the form is offered again"
    );
    assert!(app.leads().iter().all(|l| l.status == "new"));

    let due = "2031-05-06T10:30";
    let with_step = [
        ("action", "status"),
        ("status", "contacted"),
        ("next_action", "Send the proposal"),
        ("next_due", due),
    ];
    assert_eq!(confirm(&ada, &ids, &with_step).await.status(), 303);
    assert!(app.leads().iter().all(|l| l.status == "contacted"));
    for id in &ids {
        let lead = ada.page(&format!("/admin/leads/{id}")).await;
        assert!(lead.contains("Send the proposal"), "{lead}");
        assert!(lead.contains("2031-05-06 10:30 UTC"), "{lead}");
    }
}
both_backends!(a_bulk_move_to_contacted_asks_for_the_next_step_and_sets_it_on_every_lead);
