//! Working leads in the sales desk: list, filters, detail, actions, export.

use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::html::attributes;
use crate::helpers::{REPORT_PATH, valid_fields, with_field};

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

fn lead_ids(page: &str) -> Vec<i64> {
    attributes(page, "tr[data-lead-id]", "data-lead-id")
        .iter()
        .map(|id| id.parse().unwrap())
        .collect()
}

async fn the_list_shows_each_lead_with_masked_email_and_status_tabs(app: &TestApp) {
    let ada = app.admin().await;
    app.seed_lead(
        LeadKind::Inquiry,
        "jane.doe@acme.test",
        "Acme",
        LeadStatus::New,
        T0,
    );
    app.seed_lead(
        LeadKind::Discount,
        "bob@globex.test",
        "Globex",
        LeadStatus::Won,
        T0 + 10,
    );
    app.seed_lead(
        LeadKind::SampleRequest,
        "bot@spam.test",
        "Spam Inc",
        LeadStatus::Spam,
        T0 + 20,
    );
    let page = ada.page("/admin/leads").await;
    assert_eq!(lead_ids(&page).len(), 2, "spam has its own tab");
    assert!(page.contains("j***@acme.test"));
    assert!(!page.contains("jane.doe@acme.test"));
    assert!(page.contains("Globex") && page.contains("Discount"));
    assert!(page.contains(">All <span class=\"count\">2</span>"));
    assert!(page.contains(">spam <span class=\"count\">1</span>"));
    assert!(page.contains(">won <span class=\"count\">1</span>"));
    let spam = ada.page("/admin/leads?status=spam").await;
    assert_eq!(lead_ids(&spam).len(), 1);
    assert!(spam.contains("Spam Inc"));
}
both_backends!(the_list_shows_each_lead_with_masked_email_and_status_tabs);

async fn filters_narrow_the_list_and_sorts_order_it(app: &TestApp) {
    let ada = app.admin().await;
    // Seeded before any sales user exists, so round-robin leaves them unowned.
    let a = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        T0,
    );
    let b = app.seed_lead(
        LeadKind::Discount,
        "ben@globex.test",
        "Globex",
        LeadStatus::New,
        T0 + DAY,
    );
    let c = app.seed_lead(
        LeadKind::Discount,
        "cat@initech.test",
        "Initech",
        LeadStatus::Contacted,
        T0 + 2 * DAY,
    );
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    {
        let mut conn = app.pool().get().unwrap();
        let setup = &app.jobs.housekeeping.setup;
        reportdesk::workflow::assign_owner::reassign(&mut conn, b, Some(sam), sam, Some(setup), T0)
            .unwrap();
    }
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?kind=discount").await),
        vec![c, b]
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?status=contacted").await),
        vec![c]
    );
    assert_eq!(lead_ids(&ada.page("/admin/leads?q=GLOBEX").await), vec![b]);
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=ann%40acme").await),
        vec![a]
    );
    assert_eq!(
        lead_ids(&ada.page(&format!("/admin/leads?assignee={sam}")).await),
        vec![b]
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?assignee=none").await),
        vec![c, a]
    );
    let day = |offset: i64| {
        time::OffsetDateTime::from_unix_timestamp(T0 + offset * DAY)
            .unwrap()
            .date()
            .to_string()
    };
    assert_eq!(
        lead_ids(
            &ada.page(&format!("/admin/leads?from={}&to={}", day(1), day(1)))
                .await
        ),
        vec![b]
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?sort=oldest").await),
        vec![a, b, c]
    );
    let page = ada.page("/admin/leads?kind=discount&q=glob").await;
    assert!(
        page.contains("value=\"glob\""),
        "the filter form keeps its values"
    );
}
both_backends!(filters_narrow_the_list_and_sorts_order_it);

async fn a_search_finds_text_inside_words_in_any_case_and_follows_renamed_companies(app: &TestApp) {
    let ada = app.admin().await;
    let globex = app.seed_lead(
        LeadKind::Inquiry,
        "ben@globex.test",
        "Globex",
        LeadStatus::New,
        T0,
    );
    let initech = app.seed_lead(
        LeadKind::Inquiry,
        "cat@initech.test",
        "Initech",
        LeadStatus::New,
        T0 + 1,
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=LOBE").await),
        vec![globex]
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=it").await),
        vec![initech],
        "two letters still search"
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=%22quoted%22").await),
        Vec::<i64>::new()
    );
    // Ben asks again from his new employer: the search follows the rename.
    let again = app.seed_lead(
        LeadKind::Discount,
        "ben@globex.test",
        "Hooli",
        LeadStatus::New,
        T0 + 2,
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=hooli").await),
        vec![again, globex]
    );
    assert!(
        lead_ids(&ada.page("/admin/leads?q=globex").await).len() == 2,
        "the email still holds globex"
    );
    assert_eq!(
        lead_ids(&ada.page("/admin/leads?q=Buyer%20Globex").await),
        Vec::<i64>::new(),
        "his name changed too"
    );
}
both_backends!(a_search_finds_text_inside_words_in_any_case_and_follows_renamed_companies);

async fn a_search_matching_thousands_of_people_lists_their_newest_leads_without_counting(
    app: &TestApp,
) {
    let ada = app.admin().await;
    {
        let mut conn = app.pool().get().unwrap();
        // 6,300 leads from 2,100 people, all named "Buyer n".
        reportdesk::generate::generate_leads(&mut conn, 6_300, 7).unwrap();
    }
    let page = ada.page("/admin/leads?q=buyer").await;
    assert!(page.contains("More than 2,000 people match"), "{page}");
    assert!(!page.contains("class=\"count\">0"), "no tab claims a count");
    let newest: Vec<i64> = {
        use diesel::prelude::*;
        use reportdesk::db::schema::leads;
        let mut conn = app.pool().get().unwrap();
        leads::table
            .filter(leads::status.ne("spam"))
            .order((leads::created_at.desc(), leads::id.desc()))
            .select(leads::id)
            .limit(50)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(lead_ids(&page), newest);
    assert!(page.contains("rel=\"next\""));
    let second = ada.page("/admin/leads?q=buyer&page=2").await;
    assert_eq!(lead_ids(&second).len(), 50);
    assert!(lead_ids(&second).iter().all(|id| !newest.contains(id)));
    let narrow = ada.page("/admin/leads?q=buyer%20204").await;
    assert!(
        narrow.contains(" leads") || narrow.contains(" lead"),
        "a narrower search is counted again"
    );
    assert!(!narrow.contains("More than"));
}
both_backends!(a_search_matching_thousands_of_people_lists_their_newest_leads_without_counting);

async fn the_list_pages_by_fifty(app: &TestApp) {
    let ada = app.admin().await;
    for i in 0..55 {
        app.seed_lead(
            LeadKind::Inquiry,
            &format!("buyer{i}@acme.test"),
            "Acme",
            LeadStatus::New,
            T0 + i,
        );
    }
    let first = ada.page("/admin/leads").await;
    assert_eq!(lead_ids(&first).len(), 50);
    assert!(first.contains("55 leads, page 1 of 2"));
    assert!(first.contains("href=\"/admin/leads?page=2\" rel=\"next\""));
    let second = ada.page("/admin/leads?page=2").await;
    assert_eq!(lead_ids(&second).len(), 5);
}
both_backends!(the_list_pages_by_fifty);

async fn the_detail_shows_every_field_attribution_consent_and_the_timeline(app: &TestApp) {
    let ada = app.admin().await;
    let path = format!("{REPORT_PATH}/discount?utm_source=newsletter");
    app.submit(&path, with_field(valid_fields(), "marketing_opt_in", "yes"))
        .await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    let id = app.leads()[0].id;
    let page = ada.page(&format!("/admin/leads/{id}")).await;
    for value in [
        "Jane Doe",
        "jane.doe@acme-health.com",
        "Acme Health",
        "Director of Strategy",
        "+44 20 7946 0958",
        "United Kingdom",
        "USD 4,000",
        "multi",
        "oncology figures",
        "newsletter",
        "opted in",
        "consent text version 2026-11-25",
        "Request received",
        "+30 business email domain",
    ] {
        assert!(page.contains(value), "detail lacks {value}");
    }
    assert!(page.contains("Other requests from this contact"));
    assert!(
        page.contains(&format!("href=\"/admin/leads/{}\"", app.leads()[1].id)),
        "the contact's other lead is linked"
    );
    assert!(
        page.contains("Mail sales notification to"),
        "outbox rows are on the timeline"
    );
    assert_eq!(ada.get("/admin/leads/999999").await.status(), 404);
}
both_backends!(the_detail_shows_every_field_attribution_consent_and_the_timeline);

async fn changing_status_records_the_actor_but_is_no_first_response(app: &TestApp) {
    let ada = app.admin().await;
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        T0,
    );
    let detail = format!("/admin/leads/{id}");
    let response = ada
        .post(
            &detail,
            &format!("{detail}/status"),
            &[("status", "contacted"), ("reason", "")],
        )
        .await;
    // A deal in progress needs its next step.
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(
        refused.contains("Give the next step and when it is due"),
        "{refused}"
    );
    let response = ada
        .post(
            &detail,
            &format!("{detail}/status"),
            &[
                ("status", "contacted"),
                ("next_action", "Send the oncology tables"),
                ("next_due", "2099-01-15T10:00"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let lead = &app.leads()[0];
    assert_eq!(lead.status, "contacted");
    let page = ada.page(&detail).await;
    assert!(page.contains("Status new → contacted"));
    assert!(page.contains("Ada Admin"));
    // Only a real contact (a desk mail, a logged call) is a first response.
    assert!(page.contains("First response</dt><dd>not yet"));
    let lost = ada
        .post(
            &detail,
            &format!("{detail}/status"),
            &[("status", "lost"), ("reason", "")],
        )
        .await;
    assert_eq!(lost.status(), 422);
    assert!(
        lost.text()
            .await
            .unwrap()
            .contains("Give a reason when marking a lead as lost")
    );
    assert_eq!(app.leads()[0].status, "contacted");
    let lost = ada
        .post(
            &detail,
            &format!("{detail}/status"),
            &[("status", "lost"), ("reason", "Bought elsewhere")],
        )
        .await;
    assert_eq!(lost.status(), 303);
    assert!(ada.page(&detail).await.contains("Reason: Bought elsewhere"));
}
both_backends!(changing_status_records_the_actor_but_is_no_first_response);

async fn owner_and_notes_are_recorded_on_the_timeline(app: &TestApp) {
    let ada = app.admin().await;
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        T0,
    );
    let detail = format!("/admin/leads/{id}");
    assert_eq!(
        ada.post(
            &detail,
            &format!("{detail}/assign"),
            &[("owner", &sam.to_string())]
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        ada.post(
            &detail,
            &format!("{detail}/notes"),
            &[("note", "Called, <b>call back</b> Monday")]
        )
        .await
        .status(),
        303
    );
    let page = ada.page(&detail).await;
    assert!(page.contains("Owner nobody → Sam Sales"));
    assert!(
        page.contains("Called, &#60;b&#62;call back&#60;/b&#62; Monday"),
        "notes are escaped"
    );
    let list = ada.page(&format!("/admin/leads?assignee={sam}")).await;
    assert!(list.contains("Sam Sales"));
}
both_backends!(owner_and_notes_are_recorded_on_the_timeline);

async fn releasing_spam_makes_it_new_and_queues_its_notifications(app: &TestApp) {
    let ada = app.admin().await;
    app.submit(
        &format!("{REPORT_PATH}/inquiry"),
        with_field(valid_fields(), "website", "x"),
    )
    .await;
    let id = app.leads()[0].id;
    assert_eq!(app.leads()[0].status, "spam");
    let detail = format!("/admin/leads/{id}");
    assert_eq!(
        ada.post(&detail, &format!("{detail}/release"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(app.leads()[0].status, "new");
    let page = ada.page(&detail).await;
    assert!(page.contains("Released from spam"));
    assert!(page.contains("Mail sales notification"));
    assert!(page.contains("Mail buyer confirmation"));
    let again = ada.post(&detail, &format!("{detail}/release"), &[]).await;
    assert_eq!(again.status(), 422, "only spam can be released");
}
both_backends!(releasing_spam_makes_it_new_and_queues_its_notifications);

async fn markup_typed_into_a_form_is_escaped_in_list_detail_and_csv(app: &TestApp) {
    let ada = app.admin().await;
    let fields = with_field(
        with_field(
            with_field(valid_fields(), "name", "<script>alert(1)</script>"),
            "company",
            "<img src=x onerror=alert(2)>",
        ),
        "message",
        "<iframe src=javascript:alert(3)>",
    );
    assert_eq!(
        app.submit(&format!("{REPORT_PATH}/inquiry"), fields)
            .await
            .status(),
        303
    );
    let id = app.leads()[0].id;
    for page in [
        ada.page("/admin/leads").await,
        ada.page(&format!("/admin/leads/{id}")).await,
    ] {
        assert!(!page.contains("<script>alert(1)"));
        assert!(!page.contains("<img src=x"));
        assert!(!page.contains("<iframe"));
        assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(page.contains("&#60;img src=x onerror=alert(2)&#62;"));
    }
    let csv = ada
        .get("/admin/leads/export.csv")
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert!(
        record.iter().any(|c| c == "<script>alert(1)</script>"),
        "CSV keeps the text as typed, as data"
    );
}
both_backends!(markup_typed_into_a_form_is_escaped_in_list_detail_and_csv);

async fn the_dashboard_counts_todays_leads_by_kind_and_status(app: &TestApp) {
    let ada = app.admin().await;
    let now = reportdesk::db::now_unix();
    app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        now,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "b@acme.test",
        "Acme",
        LeadStatus::Won,
        now,
    );
    app.seed_lead(
        LeadKind::Discount,
        "c@acme.test",
        "Acme",
        LeadStatus::New,
        now,
    );
    app.seed_lead(
        LeadKind::Discount,
        "d@acme.test",
        "Acme",
        LeadStatus::Spam,
        now,
    );
    app.seed_lead(
        LeadKind::Discount,
        "e@acme.test",
        "Acme",
        LeadStatus::New,
        now - 40 * DAY,
    );
    let page = ada.page("/admin").await;
    let today = page
        .split("id=\"period-1\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(figure(today, "data-kind=\"Inquiry\"").0, 2, "{today}");
    assert_eq!(figure(today, "data-kind=\"Discount\"").0, 1);
    assert_eq!(figure(today, "data-status=\"new\"").0, 2);
    assert_eq!(figure(today, "data-status=\"spam\"").0, 1);
    // Each figure links to the list of exactly the leads it counts.
    for attr in [
        "data-kind=\"Inquiry\"",
        "data-status=\"new\"",
        "data-status=\"spam\"",
    ] {
        let (count, href) = figure(today, attr);
        let list = ada.page(&href.replace("&#38;", "&")).await;
        assert_eq!(
            list.matches("data-lead-id=").count() as i64,
            count,
            "{href}"
        );
    }
}

/// A dashboard figure's count and the list it links to.
fn figure(page: &str, attr: &str) -> (i64, String) {
    let cell = page
        .split(attr)
        .nth(1)
        .unwrap()
        .split("</td>")
        .next()
        .unwrap();
    let href = cell
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let count = cell.split('>').nth(2).unwrap().split('<').next().unwrap();
    (count.parse().unwrap(), href.to_owned())
}
both_backends!(the_dashboard_counts_todays_leads_by_kind_and_status);
