//! The desk as a work queue: queue tabs that count exactly what they list,
//! next steps with reminders, and the day's work on one page.

use reportdesk::db::models::follow_up;
use reportdesk::db::models::lead::Lead;
use reportdesk::db::now_unix;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;

const HOUR: i64 = 3600;

/// Twelve leads spread over the queues: some overdue, some owned by Ada,
/// some with a next step due, some whose buyer wrote back.
fn seed_queues(app: &TestApp, ada: i64) {
    let now = now_unix();
    for i in 0..12_i64 {
        let kind = LeadKind::ALL[(i % 3) as usize];
        let created = if i % 2 == 0 {
            now - 30 * HOUR
        } else {
            now - 60
        };
        let status = [LeadStatus::New, LeadStatus::Contacted, LeadStatus::Won][(i % 3) as usize];
        let email = format!("buyer{i}@firm.test");
        let id = app.seed_lead(kind, &email, "Firm", status, created);
        let mut conn = app.pool().get().unwrap();
        let owner = (i % 4 == 0).then_some(ada);
        Lead::set_owner(&mut conn, id, owner, now).unwrap();
        if i % 5 == 0 {
            Lead::record_contact(&mut conn, id, now - HOUR).unwrap();
        }
        if i % 3 == 1 {
            let due = if i % 2 == 0 {
                now - HOUR
            } else {
                now + 48 * HOUR
            };
            follow_up::set(&mut conn, id, due, "Send the tables", ada, now).unwrap();
        }
        if i % 4 == 3 {
            Lead::set_buyer_waiting(&mut conn, id, Some(now - 60), now).unwrap();
        }
    }
}

/// Each queue tab's (label, count, link).
/// A contacted inquiry per due time, owned by `owner`, with a next step
/// due then. Answers their ids.
pub fn seed_next_steps(app: &TestApp, owner: i64, due_times: &[i64]) -> Vec<i64> {
    let now = now_unix();
    let mut ids = Vec::new();
    for (i, due) in due_times.iter().enumerate() {
        let email = format!("b{i}@firm.test");
        let id = app.seed_lead(
            LeadKind::Inquiry,
            &email,
            "Firm",
            LeadStatus::Contacted,
            now,
        );
        let mut conn = app.pool().get().unwrap();
        Lead::set_owner(&mut conn, id, Some(owner), now).unwrap();
        follow_up::set(&mut conn, id, *due, "Call", owner, now).unwrap();
        ids.push(id);
    }
    ids
}

fn queue_tabs(page: &str) -> Vec<(String, i64, String)> {
    let nav = page
        .split("aria-label=\"Queues\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    nav.split("<li><a href=\"")
        .skip(1)
        .map(|item| {
            let href = item.split('"').next().unwrap().replace("&#38;", "&");
            let label = item.split('>').nth(1).unwrap().split(" <").next().unwrap();
            let count = item.split("class=\"count\">").nth(1).unwrap();
            let count = count.split('<').next().unwrap().replace([',', '+'], "");
            let count = count.parse().unwrap();
            (label.to_owned(), count, href)
        })
        .collect()
}

async fn each_queue_tab_counts_exactly_the_leads_its_list_shows(app: &TestApp) {
    let ada = app.admin().await;
    seed_queues(app, app.user_id("ada@publisher.test"));
    let tabs = queue_tabs(&ada.page("/admin/leads").await);
    let labels: Vec<&str> = tabs.iter().map(|(l, _, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Mine",
            "Unowned",
            "Overdue",
            "Follow-up due",
            "Buyer replied"
        ]
    );
    for (label, count, href) in &tabs {
        assert!(*count > 0, "{label}: the seed puts leads in every queue");
        let list = ada.page(href).await;
        assert_eq!(
            list.matches("data-lead-id=").count() as i64,
            *count,
            "{label} {href}"
        );
    }
    // The dashboard's overdue figure is the Overdue queue.
    let dashboard = ada.page("/admin").await;
    let overdue = tabs.iter().find(|(l, _, _)| l == "Overdue").unwrap().1;
    assert!(dashboard.contains(&format!("<span class=\"badge-overdue\">{overdue}</span>")));
}
both_backends!(each_queue_tab_counts_exactly_the_leads_its_list_shows);

/// The leads a list page shows, in its order.
fn listed_ids(page: &str) -> Vec<i64> {
    page.split("data-lead-id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn follow_ups_and_replies_are_listed_waiting_longest_first_unless_another_sort_is_chosen(
    app: &TestApp,
) {
    let ada = app.admin().await;
    let me = app.user_id("ada@publisher.test");
    let now = now_unix();
    let ids = seed_next_steps(app, me, &[now - 3 * HOUR, now - HOUR, now - 2 * HOUR]);
    let due_order = vec![ids[0], ids[2], ids[1]];
    let queue = ada.page("/admin/leads?queue=follow-up").await;
    assert_eq!(
        listed_ids(&queue),
        due_order,
        "the step due longest ago first"
    );
    assert!(queue.contains("<option value=\"waiting\" selected>Waiting longest first</option>"));
    let mine = ada
        .page(&format!("/admin/leads?assignee={me}&queue=follow-up"))
        .await;
    assert_eq!(listed_ids(&mine), due_order, "the owner's own, same order");
    let unowned = ada.page("/admin/leads?assignee=none&queue=follow-up").await;
    assert!(listed_ids(&unowned).is_empty());
    let newest = ada.page("/admin/leads?queue=follow-up&sort=newest").await;
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(listed_ids(&newest), newest_first, "a chosen sort wins");

    let mut conn = app.pool().get().unwrap();
    for (id, wrote) in ids.iter().zip([now - 60, now - 600, now - 300]) {
        Lead::set_buyer_waiting(&mut conn, *id, Some(wrote), now).unwrap();
    }
    let replied = ada.page("/admin/leads?queue=replied").await;
    assert_eq!(
        listed_ids(&replied),
        vec![ids[1], ids[2], ids[0]],
        "the reply waiting longest first"
    );
}
both_backends!(
    follow_ups_and_replies_are_listed_waiting_longest_first_unless_another_sort_is_chosen
);

async fn generated_history_puts_leads_in_every_queue(app: &TestApp) {
    let ada = app.admin().await;
    {
        let mut conn = app.pool().get().unwrap();
        reportdesk::generate::generate_leads(&mut conn, 3_000, 11).unwrap();
    }
    let tabs = queue_tabs(&ada.page("/admin/leads").await);
    for (label, count, _) in &tabs {
        assert!(*count > 0, "{label}: the benchmark's queues are not empty");
    }
}
both_backends!(generated_history_puts_leads_in_every_queue);

async fn a_follow_up_is_reminded_once_and_reaches_sales_when_late(app: &TestApp) {
    let now = now_unix();
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ids = seed_next_steps(
        app,
        sam,
        &[now - HOUR, now - 2 * HOUR, now - 30 * HOUR, now + HOUR],
    );
    assert_eq!(app.jobs.housekeeping.remind_now().await, 2);
    let due = app.outbox_mails("follow_up_due");
    assert_eq!(due.len(), 1, "one digest for Sam");
    assert!(due[0].0.contains("sam@publisher.test"));
    assert_eq!(due[0].1.matches("/admin/leads/").count(), 3, "{}", due[0].1);
    let late = app.outbox_mails("follow_up_late");
    assert_eq!(late.len(), 1, "the sales inbox hears of the late one");
    assert!(late[0].1.contains(&format!("/admin/leads/{}", ids[2])));
    assert_eq!(late[0].1.matches("/admin/leads/").count(), 1);

    assert_eq!(
        app.jobs.housekeeping.remind_now().await,
        0,
        "once per due time"
    );
    // A next step moved to a new time is reminded again when that comes.
    let mut conn = app.pool().get().unwrap();
    follow_up::set(&mut conn, ids[0], now - 60, "Call again", sam, now).unwrap();
    assert_eq!(app.jobs.housekeeping.remind_now().await, 1);
}
both_backends!(a_follow_up_is_reminded_once_and_reaches_sales_when_late);

async fn the_next_step_is_set_on_the_lead_and_a_past_time_is_refused(app: &TestApp) {
    let id = app.seed_lead(
        LeadKind::Discount,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        0,
    );
    let ada = app.admin().await;
    let detail = format!("/admin/leads/{id}");
    let step = format!("{detail}/next-step");
    let refused = ada
        .post(
            &detail,
            &step,
            &[("next_action", "Call"), ("next_due", "2001-01-01T09:00")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Choose a due time from now on")
    );
    let set = ada
        .post(
            &detail,
            &step,
            &[
                ("next_action", "Send the quote"),
                ("next_due", "2099-03-02T09:30"),
            ],
        )
        .await;
    assert_eq!(set.status(), 303);
    let page = ada.page(&detail).await;
    assert!(
        page.contains("Next step: Send the quote — due 2099-03-02 09:30 UTC"),
        "{page}"
    );
    // Won: nothing left to follow up.
    ada.post(&detail, &format!("{detail}/status"), &[("status", "won")])
        .await;
    let mut conn = app.pool().get().unwrap();
    assert!(follow_up::of_lead(&mut conn, id).unwrap().is_none());
}
both_backends!(the_next_step_is_set_on_the_lead_and_a_past_time_is_refused);

async fn my_day_lists_overdue_then_due_next_steps_then_new_leads(app: &TestApp) {
    let ada = app.admin().await;
    let me = app.user_id("ada@publisher.test");
    let now = now_unix();
    let late = app.seed_lead(
        LeadKind::Discount,
        "late@a.test",
        "Late Co",
        LeadStatus::New,
        now - 10 * HOUR,
    );
    let fresh = app.seed_lead(
        LeadKind::Inquiry,
        "fresh@b.test",
        "Fresh Co",
        LeadStatus::New,
        now - 60,
    );
    let moving = app.seed_lead(
        LeadKind::Inquiry,
        "moving@c.test",
        "Moving Co",
        LeadStatus::Contacted,
        now - 60,
    );
    let someone_elses = app.seed_lead(
        LeadKind::Inquiry,
        "other@d.test",
        "Other Co",
        LeadStatus::New,
        now - 60,
    );
    let mut conn = app.pool().get().unwrap();
    for id in [late, fresh, moving] {
        Lead::set_owner(&mut conn, id, Some(me), now).unwrap();
    }
    Lead::record_contact(&mut conn, moving, now).unwrap();
    follow_up::set(&mut conn, moving, now - HOUR, "Send the quote", me, now).unwrap();
    let page = ada.page("/admin/my-day").await;
    let at = |company: &str| {
        page.find(company)
            .unwrap_or_else(|| panic!("{company}: {page}"))
    };
    assert!(at("Late Co") < at("Moving Co") && at("Moving Co") < at("Fresh Co"));
    let link = format!("href=\"/admin/leads/{late}\"");
    assert_eq!(page.matches(&link).count(), 1, "listed once");
    assert!(!page.contains("Other Co"));
    let _ = someone_elses;
}
both_backends!(my_day_lists_overdue_then_due_next_steps_then_new_leads);

async fn an_open_lead_with_no_event_for_a_week_is_marked_stalled(app: &TestApp) {
    let now = now_unix();
    let quiet = app.seed_lead(
        LeadKind::Inquiry,
        "q@a.test",
        "Quiet Co",
        LeadStatus::Contacted,
        now - 20 * 86_400,
    );
    // Answered then, as a contacted lead is: a lead never answered is
    // escalated by the overdue sweep, and that event is a sign of life. (The
    // app's own sweeps do not run in between: the test app waits for the
    // one at start, and the next is a day away.)
    let mut conn = app.pool().get().unwrap();
    Lead::record_contact(&mut conn, quiet, now - 19 * 86_400).unwrap();
    drop(conn);
    assert_eq!(app.escalate_now().await, 0);
    app.seed_lead(
        LeadKind::Inquiry,
        "w@b.test",
        "Won Co",
        LeadStatus::Won,
        now - 20 * 86_400,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "f@c.test",
        "Fresh Co",
        LeadStatus::Contacted,
        now - 60,
    );
    let ada = app.admin().await;
    let list = ada.page("/admin/leads").await;
    let row = |company: &str| {
        list.split("<tr data-lead-id=")
            .find(|r| r.contains(company))
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(row("Quiet Co").contains("badge-stalled"));
    assert!(!row("Won Co").contains("badge-stalled"));
    assert!(!row("Fresh Co").contains("badge-stalled"));
    // Any event is a sign of life.
    let detail = format!("/admin/leads/{quiet}");
    ada.post(
        &detail,
        &format!("{detail}/notes"),
        &[("note", "Still deciding")],
    )
    .await;
    let list = ada.page("/admin/leads").await;
    let quiet_row = list
        .split("<tr data-lead-id=")
        .find(|r| r.contains("Quiet Co"))
        .unwrap();
    assert!(
        !quiet_row
            .split("</tr>")
            .next()
            .unwrap()
            .contains("badge-stalled")
    );
}
both_backends!(an_open_lead_with_no_event_for_a_week_is_marked_stalled);

fn count_events(app: &TestApp, kind: &str) -> usize {
    app.event_details(kind).len()
}

async fn a_bulk_status_change_of_two_hundred_leads_is_one_batch_after_a_confirmation(
    app: &TestApp,
) {
    let now = now_unix();
    for i in 0..200_i64 {
        let email = format!("b{i}@firm{}.test", i % 7);
        app.seed_lead(LeadKind::Inquiry, &email, "Firm", LeadStatus::New, now - i);
    }
    app.seed_lead(
        LeadKind::Discount,
        "x@other.test",
        "Other",
        LeadStatus::New,
        now,
    );
    let ada = app.admin().await;
    let review = ada
        .post(
            "/admin/leads",
            "/admin/leads/bulk",
            &[
                ("query", "kind=inquiry"),
                ("all", "yes"),
                ("action", "status"),
                ("status", "won"),
            ],
        )
        .await;
    assert_eq!(review.status(), 200);
    let page = review.text().await.unwrap();
    assert!(page.contains("Set status to won — 200 leads?"), "{page}");
    assert_eq!(
        count_events(app, "status_changed"),
        0,
        "nothing before the confirmation"
    );
    let ids = page
        .split("name=\"ids\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let done = ada
        .post(
            "/admin/leads",
            "/admin/leads/bulk",
            &[
                ("confirm", "yes"),
                ("ids", ids),
                ("query", "kind=inquiry"),
                ("action", "status"),
                ("status", "won"),
            ],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(count_events(app, "status_changed"), 200);
    let won = app.leads().iter().filter(|l| l.status == "won").count();
    assert_eq!(
        won, 200,
        "the discount lead outside the filter is untouched"
    );
    let audit = ada.page("/admin/audit?kind=bulk_change").await;
    assert_eq!(
        audit.matches(": 200 leads").count(),
        1,
        "one batch entry: {audit}"
    );
}
both_backends!(a_bulk_status_change_of_two_hundred_leads_is_one_batch_after_a_confirmation);

async fn a_bulk_change_one_lead_refuses_changes_no_lead(app: &TestApp) {
    let a = app.seed_lead(LeadKind::Inquiry, "a@a.test", "A", LeadStatus::New, 0);
    let b = app.seed_lead(LeadKind::Inquiry, "b@b.test", "B", LeadStatus::Spam, 0);
    let ada = app.admin().await;
    let ids = format!("{a},{b}");
    let refused = ada
        .post(
            "/admin/leads",
            "/admin/leads/bulk",
            &[
                ("confirm", "yes"),
                ("ids", &ids),
                ("action", "status"),
                ("status", "won"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(&format!("Lead #{b}")) && page.contains("Nothing was changed"),
        "{page}"
    );
    assert!(app.leads().iter().all(|l| l.status != "won"));
    assert_eq!(count_events(app, "status_changed"), 0);
}
both_backends!(a_bulk_change_one_lead_refuses_changes_no_lead);

async fn a_saved_view_reproduces_its_filter_and_only_its_owner_or_an_admin_changes_it(
    app: &TestApp,
) {
    let now = now_unix();
    for i in 0..5_i64 {
        let kind = [LeadKind::Discount, LeadKind::Inquiry][(i % 2) as usize];
        app.seed_lead(
            kind,
            &format!("v{i}@firm{i}.test"),
            "Firm",
            LeadStatus::New,
            now - i,
        );
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let filtered = "/admin/leads?kind=discount&sort=oldest";
    let expected = sam.page(filtered).await;
    let saved = sam
        .post(
            filtered,
            "/admin/views",
            &[
                ("name", "Discounts, oldest"),
                ("query", "kind=discount&sort=oldest&page=2"),
                ("shared", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let list = sam.page("/admin/leads").await;
    assert!(
        list.contains("Discounts, oldest <span class=\"count\">3</span>"),
        "{list}"
    );
    let href = list
        .split("Saved views")
        .nth(1)
        .unwrap()
        .split("<a href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&");
    let ids = |page: &str| -> Vec<String> {
        page.split("data-lead-id=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&sam.page(&href).await), ids(&expected), "{href}");

    // Shared: another sales person sees it but cannot change it; an admin can.
    app.create_user("lee@publisher.test", "Lee Sales", "sales");
    let lee = app.login("lee@publisher.test").await;
    let seen = lee.page("/admin/leads").await;
    assert!(seen.contains("Discounts, oldest"));
    let view_id = seen
        .split("action=\"/admin/views/")
        .nth(1)
        .map(|s| s.split('"').next().unwrap().to_owned());
    assert!(
        view_id.is_none(),
        "no rename or delete for someone else's view"
    );
    let id = list
        .split("action=\"/admin/views/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let refused = lee
        .post(
            "/admin/leads",
            &format!("/admin/views/{id}"),
            &[("delete", "yes")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let ada = app.admin().await;
    let renamed = ada
        .post(
            "/admin/leads",
            &format!("/admin/views/{id}"),
            &[("name", "Old discounts")],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    assert!(sam.page("/admin/leads").await.contains("Old discounts"));
}
both_backends!(a_saved_view_reproduces_its_filter_and_only_its_owner_or_an_admin_changes_it);
