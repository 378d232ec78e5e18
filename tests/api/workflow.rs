//! Owners, the first-response clock, repeat interest, the dashboard, audit.

use std::time::Duration;

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::leads;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp, TestDatabase, valid_fields, with_field};
use crate::smtp::SmtpServer;

fn owners(app: &TestApp) -> Vec<Option<i64>> {
    let mut conn = app.pool().get().unwrap();
    leads::table
        .order(leads::id)
        .select(leads::assignee_id)
        .load(&mut conn)
        .unwrap()
}

fn inquiry() -> String {
    format!("{REPORT_PATH}/inquiry")
}

fn count(owners: &[Option<i64>], who: i64) -> usize {
    owners.iter().filter(|o| **o == Some(who)).count()
}

async fn round_robin_over_three_users_with_one_disabled_splits_evenly(app: &TestApp) {
    let ann = app.create_user("ann@publisher.test", "Ann", "sales");
    let bob = app.create_user("bob@publisher.test", "Bob", "sales");
    let cid = app.create_user("cid@publisher.test", "Cid", "sales");
    app.create_user("ada@publisher.test", "Ada Admin", "admin");
    {
        let mut conn = app.pool().get().unwrap();
        reportdesk::db::models::user::disable(&mut conn, bob, None).unwrap();
    }
    for i in 0..10 {
        let response = app
            .submit(
                &inquiry(),
                with_field(valid_fields(), "email", &format!("b{i}@buyer.test")),
            )
            .await;
        assert_eq!(response.status(), 303);
    }
    let owners = owners(app);
    assert_eq!(
        (
            count(&owners, ann),
            count(&owners, cid),
            count(&owners, bob)
        ),
        (5, 5, 0),
        "{owners:?}"
    );
}
both_backends!(round_robin_over_three_users_with_one_disabled_splits_evenly);

async fn twenty_concurrent_submits_are_shared_fairly_and_none_is_unowned(app: &TestApp) {
    let ann = app.create_user("ann@publisher.test", "Ann", "sales");
    let bob = app.create_user("bob@publisher.test", "Bob", "sales");
    let path = inquiry();
    let submits = (0..20).map(|i| {
        app.submit(
            &path,
            with_field(valid_fields(), "email", &format!("c{i}@buyer.test")),
        )
    });
    let responses = futures_util::future::join_all(submits).await;
    assert!(responses.iter().all(|r| r.status() == 303));
    let owners = owners(app);
    assert_eq!(owners.len(), 20);
    assert!(owners.iter().all(Option::is_some), "no lead unowned");
    assert_eq!((count(&owners, ann), count(&owners, bob)), (10, 10));
}
both_backends!(twenty_concurrent_submits_are_shared_fairly_and_none_is_unowned);

async fn a_routing_rule_wins_over_round_robin(app: &TestApp) {
    let ann = app.create_user("ann@publisher.test", "Ann", "sales");
    let bob = app.create_user("bob@publisher.test", "Bob", "sales");
    let ada = app.admin().await;
    let response = ada
        .post(
            "/admin/routing",
            "/admin/routing",
            &[("country", "GB"), ("user", &bob.to_string())],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(ada.page("/admin/routing").await.contains("United Kingdom"));
    for _ in 0..3 {
        app.submit(&inquiry(), valid_fields()).await;
    }
    app.submit(&inquiry(), with_field(valid_fields(), "country", "DE"))
        .await;
    assert_eq!(
        owners(app),
        vec![Some(bob), Some(bob), Some(bob), Some(ann)]
    );
}
both_backends!(a_routing_rule_wins_over_round_robin);

async fn with_no_active_sales_user_a_lead_stays_unowned(app: &TestApp) {
    app.create_user("ada@publisher.test", "Ada Admin", "admin");
    app.submit(&inquiry(), valid_fields()).await;
    assert_eq!(owners(app), vec![None]);
}
both_backends!(with_no_active_sales_user_a_lead_stays_unowned);

async fn repeat_interest_is_shown_in_list_and_detail(app: &TestApp) {
    let ada = app.admin().await;
    for _ in 0..3 {
        app.seed_lead(
            LeadKind::Inquiry,
            "ann@acme.test",
            "Acme",
            LeadStatus::New,
            1_790_000_000,
        );
    }
    app.seed_lead(
        LeadKind::Inquiry,
        "bob@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_100,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "cid@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_200,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "dan@gmail.com",
        "Home",
        LeadStatus::New,
        1_790_000_300,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "eve@gmail.com",
        "Home",
        LeadStatus::New,
        1_790_000_400,
    );
    let third = app.leads()[2].id;
    let detail = ada.page(&format!("/admin/leads/{third}")).await;
    assert!(detail.contains("3rd request from this contact"));
    assert!(detail.contains("2 other contacts from acme.test"));
    let list = ada.page("/admin/leads").await;
    assert!(list.contains("2nd request from this contact"));
    assert!(
        !list.contains("other contact from gmail.com"),
        "free mail says nothing about a company"
    );
    let dan = app.leads()[5].id;
    assert!(
        !ada.page(&format!("/admin/leads/{dan}"))
            .await
            .contains("other contact")
    );
}
both_backends!(repeat_interest_is_shown_in_list_and_detail);

async fn the_dashboard_figures_match_the_leads(app: &TestApp) {
    let ada = app.admin().await;
    let now = reportdesk::db::now_unix();
    app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        now - 60,
    );
    app.seed_lead(
        LeadKind::Discount,
        "b@acme.test",
        "Acme",
        LeadStatus::New,
        now - 3 * 3600,
    );
    app.seed_lead(
        LeadKind::SampleRequest,
        "c@acme.test",
        "Acme",
        LeadStatus::New,
        now - 86_400,
    );
    app.seed_lead(
        LeadKind::Inquiry,
        "d@acme.test",
        "Acme",
        LeadStatus::Spam,
        now - 60,
    );
    let answered = app.seed_lead(
        LeadKind::Discount,
        "e@acme.test",
        "Acme",
        LeadStatus::New,
        now - 2 * 86_400,
    );
    {
        let mut conn = app.pool().get().unwrap();
        diesel::update(leads::table.find(answered))
            .set((
                leads::status.eq("contacted"),
                leads::first_response_at.eq(now - 2 * 86_400 + 1800),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let page = ada.page("/admin").await;
    // Overdue: the 3-hour-old discount (target 2 h) and the day-old sample request (4 h).
    assert!(
        page.contains(
            "data-figure=\"overdue\"><a href=\"/admin/leads?queue=overdue\"><span class=\"badge-overdue\">2</span>"
        ),
        "overdue"
    );
    assert!(page.contains("data-median=\"Discount\">30 min<"));
    assert!(page.contains("data-median=\"Inquiry\">no replies yet<"));
    assert!(
        page.contains("<text class=\"value\" x=\"")
            && page.contains("data-status=\"new\">3</text>")
    );
    assert!(page.contains("data-status=\"spam\">1</text>"));
    assert!(page.contains("Leads per day for the last 30 days, by kind"));
    assert!(page.contains("4 leads in all, spam excluded"));
    assert!(page.contains("<th scope=\"row\">Global Medical Second Opinion Market, 2025–2035</th><td class=\"num\"><a href=\"/admin/leads?report="));
}
both_backends!(the_dashboard_figures_match_the_leads);

async fn the_audit_trail_lists_staff_actions_with_actor_and_lead(app: &TestApp) {
    let ada = app.admin().await;
    let id = app.seed_lead(
        LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_000,
    );
    let detail = format!("/admin/leads/{id}");
    ada.post(
        &detail,
        &format!("{detail}/notes"),
        &[("note", "Left a voicemail")],
    )
    .await;
    ada.post(
        &detail,
        &format!("{detail}/status"),
        &[
            ("status", "contacted"),
            ("next_action", "Call back"),
            ("next_due", "2099-01-15T10:00"),
        ],
    )
    .await;
    let audit = ada.page("/admin/audit").await;
    assert!(audit.contains("Left a voicemail"));
    assert!(audit.contains("status_changed"));
    assert!(audit.contains(&format!("#{id}")));
    assert!(audit.contains("Ada Admin"));
    let filtered = ada.page("/admin/audit?kind=note").await;
    assert!(!filtered.contains("<td>status_changed</td>"));
    let sales = app.create_user("sam@publisher.test", "Sam", "sales");
    let _ = sales;
    let sam = app.login("sam@publisher.test").await;
    assert_eq!(sam.get("/admin/audit").await.status(), 403);
    assert_eq!(sam.get("/admin/routing").await.status(), 403);
}
both_backends!(the_audit_trail_lists_staff_actions_with_actor_and_lead);

async fn escalation(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    reportdesk::app::prepare_database(&db.url).await.unwrap();
    let smtp = SmtpServer::start();
    // The lead and its owner exist before the app starts, 3 h old: past the 2 h target.
    let app = TestApp::spawn_on(db, |s| {
        s.mail_url = smtp.url();
        s.sales_inbox = "sales@publisher.test".into();
        s.mail_retry_seconds = 1;
    })
    .await;
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let old = reportdesk::db::now_unix() - 3 * 3600;
    let id = app.seed_lead(
        LeadKind::Discount,
        "ann@acme.test",
        "Acme",
        LeadStatus::New,
        old,
    );
    assert_eq!(owners(&app), vec![Some(sam)]);

    app.escalate_now().await;
    app.drain_outbox().await;
    let mails = smtp.wait_for(2).await;
    // Another sweep finds nothing more to escalate, and nothing more is sent.
    assert_eq!(app.escalate_now().await, 0);
    app.drain_outbox().await;
    let mails_after = smtp.received();
    assert_eq!(
        mails_after.len(),
        2,
        "one digest to the owner, one to the sales inbox"
    );
    let mut recipients: Vec<String> = mails.iter().map(|m| m.recipients[0].clone()).collect();
    recipients.sort();
    assert_eq!(recipients, ["sales@publisher.test", "sam@publisher.test"]);
    let subject = mails[0].header("Subject").unwrap();
    assert_eq!(
        subject,
        "[Overdue] A discount request is past its response target"
    );
    let text = mails[0].part("text/plain");
    assert!(text.contains(&format!("/admin/leads/{id}")));
    assert!(
        text.contains("- A discount request about \"Global Medical Second Opinion Market"),
        "{text}"
    );
    assert!(text.contains(": 1 h 0"), "{text}");
    assert!(text.contains("past the target."));
    assert!(text.contains("owner: Sam Sales"));

    let ada = app.admin().await;
    let list = ada.page("/admin/leads").await;
    assert!(
        list.contains("<span class=\"badge-overdue\">overdue by 1 h"),
        "overdue badge in the list"
    );
    let detail = ada.page(&format!("/admin/leads/{id}")).await;
    assert!(detail.contains("First response: overdue by"));
    assert!(
        detail.contains("in the overdue digest to Sam Sales and the sales inbox"),
        "the escalation is on the lead's timeline"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_lead_shows_a_badge_and_is_escalated_exactly_once_on_sqlite() {
    escalation(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_lead_shows_a_badge_and_is_escalated_exactly_once_on_postgres() {
    escalation(Backend::Postgres).await;
}

async fn digests(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    reportdesk::app::prepare_database(&db.url).await.unwrap();
    let smtp = SmtpServer::start();
    let app = TestApp::spawn_on(db, |s| {
        s.mail_url = smtp.url();
        s.sales_inbox = "sales@publisher.test".into();
    })
    .await;
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    app.create_user("ria@publisher.test", "Ria Sales", "sales");
    // A fresh install with history: 9 leads long past their targets,
    // shared out between the two owners.
    let old = reportdesk::db::now_unix() - 30 * 24 * 3600;
    for n in 0..9 {
        let kind = LeadKind::ALL[n % 3];
        let email = format!("buyer{n}@acme.test");
        app.seed_lead(kind, &email, "Acme", LeadStatus::New, old + n as i64);
    }
    assert_eq!(app.escalate_now().await, 9);
    app.drain_outbox().await;
    let first = smtp.wait_for(3).await;
    let mut counts: Vec<(String, String)> = first
        .iter()
        .map(|m| (m.recipients[0].clone(), m.header("Subject").unwrap()))
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        [
            (
                "ria@publisher.test".to_owned(),
                "[Overdue] 4 leads are past their response target".to_owned()
            ),
            (
                "sales@publisher.test".to_owned(),
                "[Overdue] 9 leads are past their response target".to_owned()
            ),
            (
                "sam@publisher.test".to_owned(),
                "[Overdue] 5 leads are past their response target".to_owned()
            ),
        ],
        "one digest per owner and one to sales, not one mail per lead"
    );
    for mail in &first {
        let text = mail.part("text/plain");
        assert!(!text.contains("acme.test"), "no buyer address: {text}");
        assert!(!text.contains("Acme"), "no buyer company: {text}");
        assert!(!text.contains("Buyer"), "no buyer name: {text}");
    }

    // The next sweep reports only what became overdue since.
    let late = app.seed_lead(
        LeadKind::Inquiry,
        "late@acme.test",
        "Acme",
        LeadStatus::New,
        old,
    );
    assert_eq!(app.escalate_now().await, 1);
    assert_eq!(app.escalate_now().await, 0);
    app.drain_outbox().await;
    let all = smtp.wait_for(5).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 5);
    let second: Vec<_> = all.iter().skip(3).collect();
    for mail in second {
        let text = mail.part("text/plain");
        assert!(text.contains("This lead is waiting"), "{text}");
        assert!(text.contains(&format!("/admin/leads/{late}")));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_overdue_at_start_come_in_one_digest_per_owner_and_one_to_sales_on_sqlite() {
    digests(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_overdue_at_start_come_in_one_digest_per_owner_and_one_to_sales_on_postgres() {
    digests(Backend::Postgres).await;
}

async fn owner_copy(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.mail_url = smtp.url();
        s.sales_inbox = "sales@publisher.test".into();
    })
    .await
    else {
        return;
    };
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    app.submit(&inquiry(), valid_fields()).await;
    let mails = smtp.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 3);
    let mut recipients: Vec<String> = mails.iter().map(|m| m.recipients[0].clone()).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "jane.doe@acme-health.com",
            "sales@publisher.test",
            "sam@publisher.test"
        ]
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_gets_the_notification_too_on_sqlite() {
    owner_copy(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_gets_the_notification_too_on_postgres() {
    owner_copy(Backend::Postgres).await;
}

async fn two_instances_sweeping_at_once_escalate_each_lead_once(app: &TestApp) {
    use reportdesk::db::schema::{lead_events, outbox};
    use reportdesk::mail::compose::{MailSetup, Publisher};
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let old = reportdesk::db::now_unix() - 24 * 3600;
    for n in 0..20 {
        let email = format!("buyer{n}@acme.test");
        app.seed_lead(LeadKind::Inquiry, &email, "Acme", LeadStatus::New, old);
    }
    let settings = reportdesk::settings::Settings::defaults().unwrap();
    let setup = MailSetup {
        public_base: "https://reports.example".into(),
        sales_inbox: "sales@publisher.test".into(),
        mail_domain: "publisher.test".into(),
        targets: settings.response_targets(),
        publisher: Publisher::new("", "", ""),
        sample_rules: settings.sample_rules(),
        sample_tokens: reportdesk::security::sample_token::SampleTokens::new(&[7; 64]),
        quote_tokens: reportdesk::security::signed_words::SignedWords::new(&[7; 64], "quotes"),
        replies: None,
    };
    let now = reportdesk::db::now_unix();
    let escalated: usize = std::thread::scope(|scope| {
        let sweeps: Vec<_> = (0..2)
            .map(|_| {
                let (pool, setup) = (app.pool(), setup.clone());
                scope.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    reportdesk::workflow::escalate::escalate_overdue(
                        &mut conn,
                        &setup.targets,
                        now,
                        &setup,
                    )
                    .unwrap()
                    .len()
                })
            })
            .collect();
        sweeps.into_iter().map(|s| s.join().unwrap()).sum()
    });
    assert_eq!(escalated, 20);
    let mut conn = app.pool().get().unwrap();
    let marks: i64 = lead_events::table
        .filter(lead_events::kind.eq("escalated"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(marks, 20);
    let digests: i64 = outbox::table
        .filter(outbox::kind.eq("escalation"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(digests, 2, "one digest to the owner, one to sales");
}
both_backends!(two_instances_sweeping_at_once_escalate_each_lead_once);
