//! Mail against a relay that misbehaves: stalls, refusals, several inboxes.

use reportdesk::db::Backend;

use crate::faulty_relay::{Fault, FaultyRelay};
use crate::helpers::{TestApp, TestDatabase, test_settings, valid_fields, with_field};
use crate::lead_mail::{app_sending_to, inquiry, outbox_rows, wait_for_outbox};
use crate::process::RunningApp;
use crate::smtp::{SmtpServer, TestCa};

async fn app_with(
    backend: Backend,
    smtp: &SmtpServer,
    adjust: impl FnOnce(&mut reportdesk::settings::Settings),
) -> Option<TestApp> {
    app_sending_to(backend, smtp.url(), adjust).await
}

async fn a_relay_that_hangs_after_data_does_not_stop_the_next_leads_mail(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some(app) = app_with(backend, &smtp, |s| s.mail_timeout_seconds = 2).await else {
        return;
    };
    // The relay never answers the end of this buyer's confirmation.
    let stalled = with_field(valid_fields(), "email", "stall@acme-health.com");
    app.submit(&inquiry(), stalled).await;
    app.submit(&inquiry(), valid_fields()).await;
    let received = smtp.wait_for(3).await;
    assert_eq!(
        received.len(),
        3,
        "both notifications and the second confirmation"
    );
    let rows = wait_for_outbox(&app, |rows| {
        rows.iter().any(|r| {
            r.last_error
                .as_deref()
                .is_some_and(|e| e.contains("did not finish within 2 s"))
        })
    })
    .await;
    let hung = rows.iter().find(|r| r.last_error.is_some()).unwrap();
    assert_eq!(
        hung.status, "pending",
        "a stalled relay is a failed attempt, retried"
    );
    assert!(hung.attempts >= 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_hangs_after_data_does_not_stop_the_next_leads_mail_on_sqlite() {
    a_relay_that_hangs_after_data_does_not_stop_the_next_leads_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_hangs_after_data_does_not_stop_the_next_leads_mail_on_postgres() {
    a_relay_that_hangs_after_data_does_not_stop_the_next_leads_mail(Backend::Postgres).await;
}

async fn a_550_makes_the_mail_dead_at_once_and_says_why_on_the_lead(backend: Backend) {
    let smtp = SmtpServer::start();
    let Some(app) = app_with(backend, &smtp, |s| s.mail_max_attempts = 10).await else {
        return;
    };
    let refused = with_field(valid_fields(), "email", "refused@acme-health.com");
    app.submit(&inquiry(), refused).await;
    let greylisted = with_field(valid_fields(), "email", "greylisted@acme-health.com");
    app.submit(&inquiry(), greylisted).await;
    let rows = wait_for_outbox(&app, |rows| {
        rows.len() == 4
            && rows.iter().filter(|r| r.status == "sent").count() == 2
            && rows.iter().any(|r| r.status == "dead")
    })
    .await;
    let dead: Vec<_> = rows.iter().filter(|r| r.status == "dead").collect();
    assert_eq!(dead.len(), 1, "{rows:?}");
    assert_eq!(dead[0].attempts, 1, "no retries after a 550");
    let events = app.event_details("mail_dead");
    assert_eq!(events.len(), 1);
    assert!(
        events[0].contains("550"),
        "the server's reply is on the lead: {}",
        events[0]
    );
    let greylisted_row = outbox_rows(&app)
        .into_iter()
        .find(|r| r.last_error.as_deref().is_some_and(|e| e.contains("450")))
        .expect("the 450 was recorded");
    assert_eq!(greylisted_row.status, "pending", "a 450 is retried");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_550_makes_the_mail_dead_at_once_and_says_why_on_the_lead_on_sqlite() {
    a_550_makes_the_mail_dead_at_once_and_says_why_on_the_lead(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_550_makes_the_mail_dead_at_once_and_says_why_on_the_lead_on_postgres() {
    a_550_makes_the_mail_dead_at_once_and_says_why_on_the_lead(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_inbox_of_several_addresses_reaches_each_and_mails_say_they_are_automatic() {
    let smtp = SmtpServer::start();
    let app = app_with(Backend::Sqlite, &smtp, |s| {
        s.sales_inbox = "sales@publisher.test, Desk <desk@publisher.test>".into()
    })
    .await
    .unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let received = smtp.wait_for(2).await;
    let notification = received
        .iter()
        .find(|m| m.recipients.len() == 2)
        .expect("one notification to both inboxes");
    assert!(
        notification
            .recipients
            .contains(&"sales@publisher.test".to_owned())
    );
    assert!(
        notification
            .recipients
            .contains(&"desk@publisher.test".to_owned())
    );
    assert_eq!(
        notification.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let confirmation = received
        .iter()
        .find(|m| m.recipients == ["jane.doe@acme-health.com"])
        .unwrap();
    assert_eq!(
        confirmation.header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unparsable_sales_inbox_stops_the_start_with_a_sentence_naming_it() {
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&db);
    settings.sales_inbox = "sales@publisher.test, not an address".into();
    let Err(error) = reportdesk::app::Application::build(settings).await else {
        panic!("the app started with a sales inbox it cannot mail");
    };
    assert!(
        error.to_string().contains("REPORTDESK_SALES_INBOX"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_upgrades_to_starttls_and_never_sends_auth_in_clear() {
    let ca = TestCa::new();
    let relay = SmtpServer::start_with_starttls(&ca);
    let url = format!("smtp://mailer:p%40ss%2Fword@127.0.0.1:{}", relay.port);
    let app = app_sending_to(Backend::Sqlite, url, |s| {
        s.mail_ca_file = Some(ca.path("ca.pem"));
    })
    .await
    .unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let received = relay.wait_for(2).await;
    assert_eq!(
        received.len(),
        2,
        "sent over STARTTLS, trusting the private CA"
    );
    assert!(relay.logins().iter().all(|user| user == "mailer") && !relay.logins().is_empty());
    app.stop().await;

    // A relay that offers no STARTTLS never sees the credentials.
    let clear = SmtpServer::start();
    let url = format!("smtp://mailer:p%40ss%2Fword@127.0.0.1:{}", clear.port);
    let app = app_sending_to(Backend::Sqlite, url, |_| {}).await.unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let rows = wait_for_outbox(&app, |rows| rows.iter().all(|r| r.last_error.is_some())).await;
    assert!(clear.received().is_empty() && clear.logins().is_empty());
    assert!(rows.iter().all(|r| r.status == "pending"), "{rows:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_replying_to_the_confirmation_reaches_the_leads_owner() {
    let smtp = SmtpServer::start();
    let app = app_with(Backend::Sqlite, &smtp, |_| {}).await.unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    app.submit(&inquiry(), valid_fields()).await;
    let received = smtp.wait_for(3).await;
    let confirmation = received
        .iter()
        .find(|m| m.recipients == ["jane.doe@acme-health.com"])
        .unwrap();
    let reply_to = confirmation.header("Reply-To").unwrap();
    assert!(reply_to.contains("sam@publisher.test"), "{reply_to}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sales_notification_says_who_and_what_then_owner_and_due_time_and_the_score_last() {
    let smtp = SmtpServer::start();
    let app = app_with(Backend::Sqlite, &smtp, |_| {}).await.unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    app.submit(&inquiry(), valid_fields()).await;
    let received = smtp.wait_for(3).await;
    let notification = received
        .iter()
        .find(|m| m.recipients == ["sales@publisher.test"])
        .unwrap();
    for part in [
        notification.part("text/plain"),
        notification.part("text/html"),
    ] {
        let at = |text: &str| {
            part.find(text)
                .unwrap_or_else(|| panic!("{text} missing: {part}"))
        };
        assert!(at("Jane Doe") < at("Sam Sales"), "the buyer first");
        assert!(at("Acme Health") < at("Sam Sales"));
        assert!(
            at("Sam Sales") < at("oncology figures"),
            "owner before the message"
        );
        assert!(at("Answer by") < at("oncology figures"));
        assert!(at("oncology figures") < at("Score:"), "the score last");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_among_several_makes_the_mail_dead_at_once_and_says_why() {
    let smtp = SmtpServer::start();
    let app = app_with(Backend::Sqlite, &smtp, |s| {
        s.sales_inbox = "sales@publisher.test, refused@publisher.test".into();
        s.mail_max_attempts = 10;
    })
    .await
    .unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let rows = wait_for_outbox(&app, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.status != "pending")
    })
    .await;
    let dead: Vec<_> = rows.iter().filter(|r| r.status == "dead").collect();
    assert_eq!(dead.len(), 1, "{rows:?}");
    assert_eq!(dead[0].attempts, 1);
    let events = app.event_details("mail_dead");
    assert!(events[0].contains("550"), "{}", events[0]);
    app.stop().await;
}

/// The relay fails the first two connections with `fault`, then works: each
/// failure is one counted attempt, retried, and both of the lead's mails land.
async fn a_faulty_relay_costs_an_attempt_and_the_mail_lands_once_it_recovers(fault: Fault) {
    let relay = FaultyRelay::start(fault, 2);
    let app = app_sending_to(Backend::Sqlite, relay.url(), |s| {
        s.mail_timeout_seconds = 2;
    })
    .await
    .unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let rows = wait_for_outbox(&app, |rows| {
        rows.len() == 2 && rows.iter().all(|r| r.status == "sent")
    })
    .await;
    assert!(
        rows.iter().all(|r| r.status == "sent"),
        "{fault:?}: {rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.attempts >= 2),
        "{fault:?}: the failed attempt was counted: {rows:?}"
    );
    assert!(relay.connections() >= 3, "{fault:?}");
    assert_eq!(relay.behind.received().len(), 2, "{fault:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_hangs_after_the_greeting_costs_an_attempt_not_the_mail() {
    a_faulty_relay_costs_an_attempt_and_the_mail_lands_once_it_recovers(Fault::HangAfterGreeting)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_stops_mid_reply_costs_an_attempt_not_the_mail() {
    a_faulty_relay_costs_an_attempt_and_the_mail_lands_once_it_recovers(Fault::HangMidReply).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_421_busy_relay_is_retried_not_given_up() {
    a_faulty_relay_costs_an_attempt_and_the_mail_lands_once_it_recovers(Fault::Busy421).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_at_an_international_domain_is_mailed_in_punycode_with_7_bit_headers() {
    let smtp = SmtpServer::start();
    let app = app_with(Backend::Sqlite, &smtp, |_| {}).await.unwrap();
    let fields = with_field(valid_fields(), "email", "jorg@bücher.example");
    let fields = with_field(fields, "name", "Jörg Müller");
    app.submit(&inquiry(), fields).await;
    let received = smtp.wait_for(2).await;
    let confirmation = received
        .iter()
        .find(|m| m.recipients[0] != "sales@publisher.test")
        .expect("the buyer's confirmation");
    assert_eq!(confirmation.recipients, ["jorg@xn--bcher-kva.example"]);
    for mail in &received {
        assert!(
            mail.raw.is_ascii(),
            "{}",
            String::from_utf8_lossy(&mail.raw)
        );
    }
    let sales = received
        .iter()
        .find(|m| m.recipients[0] == "sales@publisher.test")
        .unwrap();
    assert!(
        sales
            .header("Reply-To")
            .unwrap()
            .contains("jorg@xn--bcher-kva.example")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_hung_mid_send_does_not_hold_up_stopping_the_app() {
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let smtp = SmtpServer::start();
    // The mail deadline (30 s) is longer than the stop's grace (15 s).
    let mut app = RunningApp::start(&db, &crate::helpers::random_hex(64), &smtp.url());
    app.wait_until_healthy().await;
    let stalled = with_field(valid_fields(), "email", "stall@acme-health.com");
    assert_eq!(app.submit_inquiry(stalled).await, 303);
    // The sales notification arrives; the confirmation hangs after DATA.
    smtp.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let took = app.terminate(std::time::Duration::from_secs(25));
    assert!(
        took.is_some_and(|t| t < std::time::Duration::from_secs(20)),
        "stopped in {took:?}, while the relay would hold the send for 120 s"
    );
}
