//! The dashboard's 30-day figures are read again whenever a lead in the
//! window changed, whichever instance or writer changed it.

use reportdesk::db::models::lead::Lead;
use reportdesk::db::now_unix;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;

const DAY: i64 = 86_400;

/// The status funnel's count for `status`.
fn funnel_count(page: &str, status: &str) -> i64 {
    let marker = format!("data-status=\"{status}\">");
    let funnel = page.split("id=\"funnel-heading\"").nth(1).unwrap();
    let start = funnel.find(&marker).unwrap() + marker.len();
    funnel[start..].split('<').next().unwrap().parse().unwrap()
}

async fn the_dashboards_figures_follow_a_lead_changed_after_they_were_kept(app: &TestApp) {
    let ada = app.admin().await;
    let two_days_ago = now_unix() - 2 * DAY;
    let first = app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        two_days_ago,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "b@acme.test",
        "Acme",
        LeadStatus::New,
        two_days_ago,
    );
    // Nothing in the window changed for two days: these figures are kept.
    for _ in 0..2 {
        let page = ada.page("/admin").await;
        assert_eq!(
            (funnel_count(&page, "new"), funnel_count(&page, "won")),
            (2, 0)
        );
    }
    // Changed outside this page (as another instance or the API would).
    let mut conn = app.pool().get().unwrap();
    let lead = Lead::find(&mut conn, first).unwrap().unwrap();
    lead.set_status(&mut conn, LeadStatus::Won, now_unix())
        .unwrap();
    let page = ada.page("/admin").await;
    assert_eq!(
        (funnel_count(&page, "new"), funnel_count(&page, "won")),
        (1, 1)
    );
    // A new lead in the window counts at once too.
    app.seed_lead(
        LeadKind::Discount,
        "c@acme.test",
        "Acme",
        LeadStatus::New,
        now_unix() - DAY,
    );
    let page = ada.page("/admin").await;
    assert_eq!(funnel_count(&page, "new"), 2);
}
both_backends!(the_dashboards_figures_follow_a_lead_changed_after_they_were_kept);
