//! Webhooks into the publisher's CRM: signed per Standard Webhooks (checked
//! by the spec's own Python library), retried with the same id, timed out,
//! guarded against internal addresses, delivered once across instances.

use std::process::{Command, Stdio};

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::{webhook_deliveries, webhook_endpoints};
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::settings::Settings;

use crate::both_backends;
use crate::helpers::receiver::{Receiver, Reply};
use crate::helpers::tools::standardwebhooks;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields};
use crate::staff::StaffClient;

/// Adds an endpoint through the admin page; answers its secret, shown once.
pub async fn add_endpoint(
    admin: &StaffClient<'_>,
    url: &str,
    events: &[&str],
    format: &str,
) -> String {
    let ticked: Vec<String> = events.iter().map(|e| format!("event-{e}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("url", url),
        ("description", "Our CRM"),
        ("format", format),
        ("enabled", "on"),
    ];
    fields.extend(ticked.iter().map(|name| (name.as_str(), "on")));
    let response = admin
        .post("/admin/webhooks", "/admin/webhooks", &fields)
        .await;
    assert_eq!(response.status(), 200, "the endpoint is saved");
    let page = response.text().await.unwrap();
    let start = page
        .find("id=\"new-secret\">")
        .expect("the secret is shown")
        + 16;
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

/// Whether the Standard Webhooks library accepts the request as signed
/// with `secret`.
fn verified_by_the_spec_library(
    secret: &str,
    id: &str,
    timestamp: &str,
    signature: &str,
    body: &str,
) -> bool {
    let script = "import sys, json\n\
from standardwebhooks.webhooks import Webhook\n\
secret, id, ts, sig = sys.argv[1:5]\n\
body = sys.stdin.read()\n\
try:\n    Webhook(secret).verify(body, {'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig})\n\
except Exception:\n    sys.exit(1)\n";
    let mut child = Command::new("python3")
        .args(["-c", script, secret, id, timestamp, signature])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

async fn a_lead_sent_by_the_form_reaches_the_crm_signed_so_the_spec_library_verifies_it(
    app: &TestApp,
) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let secret = add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    assert!(secret.starts_with("whsec_"));
    let response = app
        .submit(&format!("{REPORT_PATH}/discount"), valid_fields())
        .await;
    assert_eq!(response.status(), 303);
    app.deliver_webhooks().await;
    let received = receiver.wait_for(1, 5).await;
    assert_eq!(received.len(), 1, "one delivery");
    let hook = &received[0];
    assert_eq!(hook.path, "/hooks/crm");
    assert_eq!(hook.header("content-type"), "application/json");
    assert!(hook.header("webhook-id").starts_with("msg_"));
    let payload = hook.json();
    assert_eq!(payload["type"], "lead.created");
    let lead = &payload["data"]["lead"];
    assert_eq!(lead["kind"], "discount");
    assert_eq!(lead["contact"]["email"], "jane.doe@acme-health.com");
    assert_eq!(
        lead["report"]["slug"],
        "global-medical-second-opinion-market"
    );
    assert!(lead["consent"]["given_at"].as_str().unwrap().ends_with('Z'));
    if !standardwebhooks() {
        return;
    }
    let (id, ts, sig) = (
        hook.header("webhook-id"),
        hook.header("webhook-timestamp"),
        hook.header("webhook-signature"),
    );
    assert!(verified_by_the_spec_library(
        &secret, id, ts, sig, &hook.body
    ));
    let tampered = hook.body.replace("discount", "inquiry");
    assert!(!verified_by_the_spec_library(
        &secret, id, ts, sig, &tampered
    ));
    let other_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assert!(!verified_by_the_spec_library(
        other_secret,
        id,
        ts,
        sig,
        &hook.body
    ));
}
both_backends!(a_lead_sent_by_the_form_reaches_the_crm_signed_so_the_spec_library_verifies_it);

async fn a_receiver_that_fails_twice_gets_the_delivery_three_times_with_one_webhook_id(
    app: &TestApp,
) {
    let receiver = Receiver::scripted(&[Reply::Status(500), Reply::Status(503)]).await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    // The worker retries after 1 s, then 2 s (the test settings' backoff).
    let received = receiver.wait_for(3, 20).await;
    assert_eq!(received.len(), 3, "two failures and the success");
    let ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one webhook-id: {ids:?}"
    );
    assert_eq!(received[0].body, received[2].body, "the same payload");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let page = admin.page("/admin/webhooks").await;
    assert!(
        page.contains("delivered"),
        "the page lists the delivery as delivered"
    );
    let (status, attempts, code): (String, i32, Option<i32>) = webhook_deliveries::table
        .select((
            webhook_deliveries::status,
            webhook_deliveries::attempts,
            webhook_deliveries::response_code,
        ))
        .first(&mut app.pool().get().unwrap())
        .unwrap();
    assert_eq!(
        (status.as_str(), attempts, code),
        ("delivered", 3, Some(200))
    );
}
both_backends!(a_receiver_that_fails_twice_gets_the_delivery_three_times_with_one_webhook_id);

async fn a_receiver_that_hangs_is_timed_out_and_tried_again(app: &TestApp) {
    let receiver = Receiver::scripted(&[Reply::Hang]).await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    // 2 s timeout, 1 s backoff.
    let received = receiver.wait_for(2, 20).await;
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let error: Option<String> = webhook_deliveries::table
        .select(webhook_deliveries::last_error)
        .first(&mut app.pool().get().unwrap())
        .unwrap();
    assert_eq!(error, None, "delivered on the second attempt");
    let page = admin.page("/admin/webhooks").await;
    assert!(page.contains("delivered"));
}
both_backends!(a_receiver_that_hangs_is_timed_out_and_tried_again);

async fn a_receiver_that_redirects_is_not_followed_and_is_tried_again(app: &TestApp) {
    let elsewhere = Receiver::start().await;
    let receiver = Receiver::scripted(&[Reply::Redirect(elsewhere.url.clone())]).await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    // Answered 307 first, then 200 on the retry a second later.
    let received = receiver.wait_for(2, 20).await;
    assert_eq!(received.len(), 2);
    assert!(
        elsewhere.received().is_empty(),
        "the redirect was not followed"
    );
}
both_backends!(a_receiver_that_redirects_is_not_followed_and_is_tried_again);

fn internal_addresses_refused(settings: &mut Settings) {
    settings.webhook_allow_private = false;
}

async fn a_loopback_endpoint_is_refused_at_save_and_at_send_without_the_allow_setting(
    app: &TestApp,
) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let page = admin.page("/admin/webhooks").await;
    let csrf = crate::staff::csrf_in(&page);
    let response = admin
        .post_raw(
            "/admin/webhooks",
            &[
                ("csrf_token", &csrf),
                ("url", &receiver.url),
                ("format", "standard"),
                ("enabled", "on"),
                ("event-lead.created", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("internal address"), "the page says why");
    assert!(page.contains("REPORTDESK_WEBHOOK_ALLOW_PRIVATE"));
    // An endpoint whose name resolved elsewhere when it was saved: refused
    // again when posting.
    let mut conn = app.pool().get().unwrap();
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::url.eq(receiver.url.replace("127.0.0.1", "localhost")),
            webhook_endpoints::description.eq("rebound"),
            webhook_endpoints::events.eq("lead.created"),
            webhook_endpoints::format.eq("standard"),
            webhook_endpoints::secret.eq("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            webhook_endpoints::enabled.eq(true),
            webhook_endpoints::created_at.eq(0_i64),
            webhook_endpoints::updated_at.eq(0_i64),
        ))
        .execute(&mut conn)
        .unwrap();
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    app.deliver_webhooks().await;
    assert!(
        receiver.received().is_empty(),
        "nothing reached the loopback receiver"
    );
    let error: Option<String> = webhook_deliveries::table
        .select(webhook_deliveries::last_error)
        .first(&mut conn)
        .unwrap();
    assert!(error.unwrap().contains("internal address"));
}
both_backends!(
    a_loopback_endpoint_is_refused_at_save_and_at_send_without_the_allow_setting,
    internal_addresses_refused
);

async fn a_chat_endpoint_gets_one_line_naming_the_buyer_report_and_licence(app: &TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "chat").await;
    let fields = crate::helpers::with_field(valid_fields(), "licence", "multi");
    app.submit(&format!("{REPORT_PATH}/discount"), fields).await;
    app.deliver_webhooks().await;
    let received = receiver.wait_for(1, 5).await;
    let text = received[0].json()["text"].as_str().unwrap().to_owned();
    assert!(text.starts_with("New discount request: "), "{text}");
    assert!(
        text.contains("Global Medical Second Opinion Market"),
        "{text}"
    );
    assert!(text.contains("multi-user licence"), "{text}");
    assert!(text.contains("/admin/leads/"), "{text}");
}
both_backends!(a_chat_endpoint_gets_one_line_naming_the_buyer_report_and_licence);

async fn an_endpoint_answering_410_is_switched_off_and_a_redelivery_repeats_the_same_id(
    app: &TestApp,
) {
    let receiver = Receiver::scripted(&[Reply::Status(410)]).await;
    let admin = app.admin().await;
    add_endpoint(
        &admin,
        &receiver.url,
        &["lead.created", "lead.note_added"],
        "standard",
    )
    .await;
    let lead = app.seed_lead(
        LeadKind::Inquiry,
        "lena@clinic.example",
        "Clinic",
        LeadStatus::New,
        reportdesk::db::now_unix(),
    );
    app.deliver_webhooks().await;
    assert_eq!(receiver.wait_for(1, 5).await.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let page = admin.page("/admin/webhooks").await;
    assert!(
        page.contains("off: the receiver answered 410 Gone"),
        "the endpoint is off"
    );
    // Switched back on, the dead delivery is sent again on request, with
    // its id.
    let mut conn = app.pool().get().unwrap();
    let (endpoint, delivery): (i64, i64) = webhook_deliveries::table
        .select((webhook_deliveries::endpoint_id, webhook_deliveries::id))
        .first(&mut conn)
        .unwrap();
    let response = admin
        .post(
            "/admin/webhooks",
            &format!("/admin/webhooks/{endpoint}"),
            &[
                ("url", &receiver.url),
                ("format", "standard"),
                ("enabled", "on"),
                ("event-lead.created", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = admin
        .post(
            "/admin/webhooks",
            &format!("/admin/webhooks/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    app.deliver_webhooks().await;
    let received = receiver.wait_for(2, 5).await;
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    // The lead's page lists its deliveries.
    let detail = admin.page(&format!("/admin/leads/{lead}")).await;
    assert!(
        detail.contains("lead.created"),
        "the timeline shows the delivery"
    );
}
both_backends!(an_endpoint_answering_410_is_switched_off_and_a_redelivery_repeats_the_same_id);

async fn an_endpoint_failing_for_a_day_is_paused_and_the_admins_are_mailed_once(app: &TestApp) {
    let receiver = Receiver::scripted(&[Reply::Status(500)]).await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    let mut conn = app.pool().get().unwrap();
    let a_day_ago = reportdesk::db::now_unix() - 25 * 3600;
    diesel::update(webhook_endpoints::table)
        .set(webhook_endpoints::failing_since.eq(a_day_ago))
        .execute(&mut conn)
        .unwrap();
    app.seed_lead(
        LeadKind::Inquiry,
        "lena@clinic.example",
        "Clinic",
        LeadStatus::New,
        reportdesk::db::now_unix(),
    );
    app.deliver_webhooks().await;
    assert_eq!(receiver.wait_for(1, 5).await.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let enabled: bool = webhook_endpoints::table
        .select(webhook_endpoints::enabled)
        .first(&mut conn)
        .unwrap();
    assert!(!enabled, "paused");
    assert_eq!(
        app.outbox_mails("webhook_paused").len(),
        1,
        "one mail to the one admin"
    );
    // Paused: nothing more is posted, the deliveries wait.
    app.seed_lead(
        LeadKind::Inquiry,
        "zoe@clinic.example",
        "Clinic",
        LeadStatus::New,
        reportdesk::db::now_unix(),
    );
    app.deliver_webhooks().await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1);
    assert!(
        admin
            .page("/admin/webhooks")
            .await
            .contains("paused: every delivery failed since")
    );
}
both_backends!(an_endpoint_failing_for_a_day_is_paused_and_the_admins_are_mailed_once);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgresql_deliver_200_leads_events_once_each() {
    const LEADS: usize = 200;
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let receiver = Receiver::start().await;
    let admin = first.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    let second = TestApp::spawn_on(first.db.same(), |_| {}).await;
    let mut sent = Vec::new();
    for i in 0..LEADS {
        let app = if i % 2 == 0 { &first } else { &second };
        sent.push(app.seed_lead(
            LeadKind::Inquiry,
            &format!("buyer{i}@clinic.example"),
            "Clinic",
            LeadStatus::New,
            reportdesk::db::now_unix(),
        ));
    }
    // Both instances' workers post in the background.
    receiver.wait_for(LEADS, 60).await;
    // Time for a second post of any of them to arrive, were there one.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let all = receiver.received();
    let mut ids: Vec<&str> = all.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), LEADS, "every lead's event arrived");
    assert_eq!(all.len(), LEADS, "and none twice");
    second.stop().await;
    first.stop().await;
}

async fn erasing_a_buyer_blanks_their_deliveries_and_stops_those_still_waiting(app: &TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["lead.created"], "standard").await;
    let lead = app.seed_lead(
        LeadKind::Inquiry,
        "erase.me@clinic.example",
        "Clinic",
        LeadStatus::New,
        reportdesk::db::now_unix(),
    );
    let contact = app
        .leads()
        .iter()
        .find(|l| l.id == lead)
        .unwrap()
        .contact_id;
    let erased = admin
        .post(
            &format!("/admin/contacts/{contact}"),
            &format!("/admin/contacts/{contact}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    // The background worker may have posted it before the erasure; nothing
    // goes out after.
    let before = receiver.received().len();
    app.deliver_webhooks().await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        receiver.received().len(),
        before,
        "nothing sent after erasure"
    );
    let rows: Vec<(String, String)> = webhook_deliveries::table
        .select((webhook_deliveries::status, webhook_deliveries::payload))
        .load(&mut app.pool().get().unwrap())
        .unwrap();
    assert!(!rows.is_empty());
    for (status, payload) in rows {
        assert!(!payload.contains("erase.me"), "the payload is blanked");
        assert_ne!(status, "pending", "a waiting delivery is stopped");
    }
}
both_backends!(erasing_a_buyer_blanks_their_deliveries_and_stops_those_still_waiting);
