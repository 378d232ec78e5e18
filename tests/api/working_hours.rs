//! Working hours: targets and follow-up grace count only the desk's hours,
//! in its time zone, and the desk shows times in that zone.
//!
//! The tests cannot choose the day they run on, so they choose the hours:
//! one hour a day, starting two hours from now in Kolkata. The last twelve
//! hours then hold no working time, and the last thirty hold one hour.

use reportdesk::db::now_unix;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::settings::Settings;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::work_queue::seed_next_steps;

const HOUR: i64 = 3600;
/// Asia/Kolkata is UTC+05:30 all year.
const KOLKATA_OFFSET: i64 = 5 * HOUR + 1800;

fn one_hour_a_day_starting_two_hours_from_now(settings: &mut Settings) {
    let local_hour = (now_unix() + KOLKATA_OFFSET) / HOUR % 24;
    let start = (local_hour + 2) % 24;
    settings.working_hours = format!("Mon-Sun {start:02}:00-{:02}:00", start + 1);
    settings.timezone = "Asia/Kolkata".into();
    settings.response_target_inquiry_minutes = 30;
    settings.follow_up_grace_hours = 1;
}

async fn a_lead_sent_outside_working_hours_is_not_overdue_until_they_pass(app: &TestApp) {
    let ada = app.admin().await;
    let now = now_unix();
    let quiet = app.seed_lead(
        LeadKind::Inquiry,
        "quiet@firm.test",
        "Firm",
        LeadStatus::New,
        now - 12 * HOUR,
    );
    let late = app.seed_lead(
        LeadKind::Inquiry,
        "late@firm.test",
        "Firm",
        LeadStatus::New,
        now - 30 * HOUR,
    );
    let overdue = ada.page("/admin/leads?queue=overdue").await;
    assert!(
        overdue.contains(&format!("data-lead-id=\"{late}\"")),
        "{overdue}"
    );
    assert!(!overdue.contains(&format!("data-lead-id=\"{quiet}\"")));
    assert_eq!(overdue.matches("data-lead-id=").count(), 1);

    // Twelve hours without working time: the whole half hour is left.
    let waiting = ada.page(&format!("/admin/leads/{quiet}")).await;
    assert!(waiting.contains("30 min left"), "{waiting}");
    // One working hour has passed for the other: 30 minutes over.
    let behind = ada.page(&format!("/admin/leads/{late}")).await;
    assert!(behind.contains("overdue by 30 min"), "{behind}");
    // Times on the desk are Kolkata's.
    assert!(behind.contains(" IST"), "{behind}");
    assert!(!behind.contains(" UTC<"), "{behind}");

    assert_eq!(
        app.jobs.housekeeping.escalate_now().await,
        1,
        "only the late one"
    );
}
both_backends!(
    a_lead_sent_outside_working_hours_is_not_overdue_until_they_pass,
    one_hour_a_day_starting_two_hours_from_now
);

async fn a_follow_up_is_late_for_sales_only_after_working_hours_of_grace(app: &TestApp) {
    let now = now_unix();
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ids = seed_next_steps(app, sam, &[now - 12 * HOUR, now - 30 * HOUR]);
    // Both are due for Sam; only the one with an hour of working time since
    // its due time is late by the one-hour grace.
    app.jobs.housekeeping.remind_now().await;
    let due = app.outbox_mails("follow_up_due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].1.matches("/admin/leads/").count(), 2, "{}", due[0].1);
    let late = app.outbox_mails("follow_up_late");
    assert_eq!(late.len(), 1);
    assert!(late[0].1.contains(&format!("/admin/leads/{}", ids[1])));
    assert_eq!(
        late[0].1.matches("/admin/leads/").count(),
        1,
        "{}",
        late[0].1
    );
}
both_backends!(
    a_follow_up_is_late_for_sales_only_after_working_hours_of_grace,
    one_hour_a_day_starting_two_hours_from_now
);
