//! The conversation on a lead: staff write from the desk through a real
//! relay, the buyer's answer comes back by SMTP (to the app's listener) or
//! raw over HTTP, and bounces mark the mail and hold back automatic mail.

use diesel::prelude::*;
use reportdesk::db::schema::{contacts, inbound_mail, leads, outbox};
use reportdesk::settings::Settings;

use crate::helpers::receiver::Receiver;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields};
use crate::smtp::SmtpServer;
use crate::webhooks::add_endpoint;

const DOMAIN: &str = "in.publisher.test";
const TOKEN: &str = "inbound-token-0123456789abcdef";

fn inbound(settings: &mut Settings, relay: &SmtpServer) {
    settings.mail_url = relay.url();
    settings.inbound_domain = Some(DOMAIN.into());
    settings.inbound_token = Some(TOKEN.into());
    settings.inbound_smtp_bind = Some("127.0.0.1:0".parse().unwrap());
}

/// Runs `$name(app, relay)` on both backends with inbound mail set up and a
/// real relay for outgoing mail.
macro_rules! with_inbound {
    ($name:ident) => {
        mod $name {
            use super::*;

            async fn on(backend: reportdesk::db::Backend) {
                let relay = SmtpServer::start();
                let scenario = async |app: &TestApp| super::$name(app, &relay).await;
                crate::helpers::run_on_with(backend, |s| inbound(s, &relay), scenario).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                on(reportdesk::db::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                on(reportdesk::db::Backend::Postgres).await
            }
        }
    };
}

/// An inquiry from Jane, its mails sent; answers its id and the Message-ID
/// and Reply-To of her confirmation.
async fn inquiry_sent(app: &TestApp, relay: &SmtpServer) -> (i64, String, String) {
    app.submit(&format!("{REPORT_PATH}/inquiry"), valid_fields())
        .await;
    app.drain_outbox().await;
    let mails = relay.wait_for(2).await;
    let confirmation = mails
        .iter()
        .find(|m| m.recipients == ["jane.doe@acme-health.com"])
        .expect("the buyer's confirmation");
    let id = app.leads()[0].id;
    let message_id = confirmation.header("Message-ID").unwrap();
    let reply_to = confirmation.header("Reply-To").unwrap();
    (id, message_id, reply_to)
}

fn raw_mail(headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut raw = String::new();
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("Content-Type: text/plain; charset=utf-8\r\n\r\n");
    raw.push_str(body);
    raw.into_bytes()
}

/// `<reply+…@…>` as a header writes it → the address alone, for an envelope.
fn bare_address(header: &str) -> String {
    header.trim_matches(|c| c == '<' || c == '>').to_owned()
}

/// Jane's answer to her confirmation (`in_reply_to`), sent to its Reply-To.
fn janes_reply(reply_to: &str, in_reply_to: &str, message_id: &str, body: &str) -> Vec<u8> {
    raw_mail(
        &[
            ("From", "Jane Doe <jane.doe@acme-health.com>"),
            ("To", reply_to),
            ("Subject", "Re: We received your request"),
            ("Message-ID", message_id),
            ("In-Reply-To", in_reply_to),
        ],
        body,
    )
}

async fn post_raw(app: &TestApp, token: &str, raw: Vec<u8>) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/inbound/email"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Hands a message to the app's SMTP listener; the listener's answer on error.
async fn smtp_to_listener(app: &TestApp, to: &str, raw: Vec<u8>) -> Result<(), String> {
    let port = app.inbound_smtp.expect("the listener runs").port();
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || {
        use lettre::Transport;
        let envelope = lettre::address::Envelope::new(
            Some("jane.doe@acme-health.com".parse().unwrap()),
            vec![to.parse().map_err(|e| format!("{e}"))?],
        )
        .unwrap();
        let transport = lettre::SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .build();
        transport
            .send_raw(&envelope, &raw)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap()
}

fn first_response_at(app: &TestApp, id: i64) -> Option<i64> {
    let mut conn = app.pool().get().unwrap();
    leads::table
        .find(id)
        .select(leads::first_response_at)
        .first(&mut conn)
        .unwrap()
}

fn inbound_count(app: &TestApp) -> i64 {
    let mut conn = app.pool().get().unwrap();
    inbound_mail::table.count().get_result(&mut conn).unwrap()
}

async fn a_desk_mail_arrives_threaded_from_the_writer_and_stops_the_clock(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let (id, confirmation_id, _) = inquiry_sent(app, relay).await;
    let detail = format!("/admin/leads/{id}");
    let ada = app.admin().await;
    let page = ada.page(&detail).await;
    assert!(
        page.contains("Re: your inquiry about Global Medical Second Opinion Market"),
        "the template prefills the subject"
    );
    assert!(page.contains("Dear Jane Doe,"));
    // A status change alone no longer counts as a response.
    ada.post(
        &detail,
        &format!("{detail}/status"),
        &[
            ("status", "contacted"),
            ("next_action", "Send the figures"),
            ("next_due", "2099-01-15T10:00"),
        ],
    )
    .await;
    assert_eq!(first_response_at(app, id), None);

    let fields = [
        ("subject", "Oncology figures"),
        ("body", "Dear Jane,\n\nhere they are."),
    ];
    let sent = ada.post(&detail, &format!("{detail}/mail"), &fields).await;
    assert_eq!(sent.status(), 303);
    app.drain_outbox().await;
    let mails = relay.wait_for(3).await;
    let desk = &mails[2];
    assert_eq!(desk.recipients, ["jane.doe@acme-health.com"]);
    assert!(
        desk.sender.starts_with("bounce+"),
        "VERP sender: {}",
        desk.sender
    );
    assert!(desk.sender.ends_with(&format!("@{DOMAIN}")));
    let from = desk.header("From").unwrap();
    assert!(from.contains("via"), "{from}");
    assert_eq!(desk.header("In-Reply-To").unwrap(), confirmation_id);
    assert!(
        desk.header("References")
            .unwrap()
            .contains(&confirmation_id)
    );
    let reply_to = desk.header("Reply-To").unwrap();
    assert!(reply_to.starts_with(&format!("reply+{id}.")), "{reply_to}");
    assert!(
        desk.header("Auto-Submitted").is_none(),
        "staff's words are not automatic"
    );
    assert!(
        first_response_at(app, id).is_some(),
        "the relay took it: the clock stopped"
    );
    let page = ada.page(&detail).await;
    assert!(
        page.contains("here they are."),
        "the timeline shows the body"
    );
}
with_inbound!(a_desk_mail_arrives_threaded_from_the_writer_and_stops_the_clock);

async fn a_logged_call_stops_the_clock(app: &TestApp, relay: &SmtpServer) {
    let (id, _, _) = inquiry_sent(app, relay).await;
    let detail = format!("/admin/leads/{id}");
    let ada = app.admin().await;
    let fields = [("channel", "call"), ("note", "Spoke about the scope.")];
    let logged = ada
        .post(&detail, &format!("{detail}/contact"), &fields)
        .await;
    assert_eq!(logged.status(), 303);
    assert!(first_response_at(app, id).is_some());
    let refused = ada
        .post(
            &detail,
            &format!("{detail}/contact"),
            &[("channel", "fax"), ("note", "x")],
        )
        .await;
    assert_eq!(refused.status(), 422);
}
with_inbound!(a_logged_call_stops_the_clock);

async fn a_reply_by_smtp_and_the_same_reply_posted_raw_land_on_the_lead_once(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let (id, confirmation_id, reply_to) = inquiry_sent(app, relay).await;
    let reply_to = bare_address(&reply_to);
    let raw = janes_reply(
        &reply_to,
        &confirmation_id,
        "<jane-reply-1@acme-health.com>",
        "Could we have the European figures by Friday?",
    );
    smtp_to_listener(app, &reply_to, raw.clone()).await.unwrap();
    let (status, body) = post_raw(app, TOKEN, raw).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("duplicate"), "{body}");
    assert_eq!(inbound_count(app), 1);
    assert_eq!(app.event_details("buyer_replied").len(), 1);
    assert_eq!(
        app.outbox_mails("buyer_replied").len(),
        1,
        "the owner is told"
    );
    let ada = app.admin().await;
    let page = ada.page(&format!("/admin/leads/{id}")).await;
    assert!(page.contains("Could we have the European figures by Friday?"));
    assert!(ada.page("/admin/leads").await.contains("buyer replied"));
}
with_inbound!(a_reply_by_smtp_and_the_same_reply_posted_raw_land_on_the_lead_once);

/// Nothing drains the webhook queue here: the listener's commit wakes the
/// webhook worker as a handler's does.
async fn a_buyers_reply_by_smtp_reaches_the_crm_as_email_received(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    add_endpoint(&admin, &receiver.url, &["email.received"], "standard").await;
    let (id, confirmation_id, reply_to) = inquiry_sent(app, relay).await;
    let reply_to = bare_address(&reply_to);
    let raw = janes_reply(
        &reply_to,
        &confirmation_id,
        "<jane-reply-crm@acme-health.com>",
        "Yes, the enterprise licence, please.",
    );
    smtp_to_listener(app, &reply_to, raw).await.unwrap();
    let received = receiver.wait_for(1, 10).await;
    assert_eq!(
        received.len(),
        1,
        "one delivery: only email.received is subscribed"
    );
    let payload = received[0].json();
    assert_eq!(payload["type"], "email.received");
    assert_eq!(payload["data"]["lead"]["id"], id);
    let mut conn = app.pool().get().unwrap();
    let inbound_id: i64 = inbound_mail::table
        .select(inbound_mail::id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(payload["data"]["event"]["inbound_mail_id"], inbound_id);
}
with_inbound!(a_buyers_reply_by_smtp_reaches_the_crm_as_email_received);

async fn a_reply_matched_only_by_in_reply_to_lands(app: &TestApp, relay: &SmtpServer) {
    let (id, confirmation_id, _) = inquiry_sent(app, relay).await;
    let raw = raw_mail(
        &[
            ("From", "jane.doe@acme-health.com"),
            ("To", "sales@publisher.test"),
            ("Subject", "Re: forwarded"),
            ("Message-ID", "<jane-reply-2@acme-health.com>"),
            ("In-Reply-To", &confirmation_id),
        ],
        "Answering from another client.",
    );
    let (status, body) = post_raw(app, TOKEN, raw).await;
    assert_eq!(status, 200, "{body}");
    let mut conn = app.pool().get().unwrap();
    let lead: Option<i64> = inbound_mail::table
        .select(inbound_mail::lead_id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(lead, Some(id));
}
with_inbound!(a_reply_matched_only_by_in_reply_to_lands);

async fn an_unmatched_mail_waits_for_an_admin_who_files_it(app: &TestApp, relay: &SmtpServer) {
    let (id, _, _) = inquiry_sent(app, relay).await;
    let raw = raw_mail(
        &[
            ("From", "someone@elsewhere.test"),
            ("To", "sales@publisher.test"),
            ("Subject", "Question about licences"),
            ("Message-ID", "<lost-1@elsewhere.test>"),
        ],
        "Which licence covers ten readers?",
    );
    let (status, body) = post_raw(app, TOKEN, raw).await;
    assert_eq!(status, 202, "{body}");
    let ada = app.admin().await;
    let list = ada.page("/admin/inbound").await;
    assert!(list.contains("Question about licences"), "{list}");
    let inbound_id: i64 = {
        let mut conn = app.pool().get().unwrap();
        inbound_mail::table
            .select(inbound_mail::id)
            .first(&mut conn)
            .unwrap()
    };
    let lead = id.to_string();
    let filed = ada
        .post(
            "/admin/inbound",
            &format!("/admin/inbound/{inbound_id}"),
            &[("lead", &lead)],
        )
        .await;
    assert_eq!(filed.status(), 303);
    assert!(
        !ada.page("/admin/inbound")
            .await
            .contains("Question about licences")
    );
    assert!(
        ada.page(&format!("/admin/leads/{id}"))
            .await
            .contains("Which licence covers ten readers?")
    );
}
with_inbound!(an_unmatched_mail_waits_for_an_admin_who_files_it);

async fn the_listener_refuses_foreign_and_forged_recipients_with_550(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let (id, _, _) = inquiry_sent(app, relay).await;
    let raw = raw_mail(&[("From", "x@y.test"), ("Subject", "relay me")], "spam");
    for to in [
        "victim@elsewhere.test".to_owned(),
        format!("sales@{DOMAIN}"),
        format!("reply+{id}.00000000000000000000@{DOMAIN}"),
    ] {
        let refused = smtp_to_listener(app, &to, raw.clone()).await.unwrap_err();
        assert!(refused.contains("550"), "{to}: {refused}");
    }
    assert_eq!(inbound_count(app), 0);
}
with_inbound!(the_listener_refuses_foreign_and_forged_recipients_with_550);

async fn a_wrong_bearer_token_or_a_broken_message_is_refused(app: &TestApp, _relay: &SmtpServer) {
    let raw = raw_mail(&[("From", "x@y.test"), ("Subject", "hi")], "hello");
    let (status, _) = post_raw(app, "not-the-token-0000000000000", raw).await;
    assert_eq!(status, 401);
    let (status, body) = post_raw(app, TOKEN, b"just words, no header".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("no From header"), "{body}");
    assert_eq!(inbound_count(app), 0);
}
with_inbound!(a_wrong_bearer_token_or_a_broken_message_is_refused);

/// A fixture with our ids in place.
fn fixture(name: &str, app: &TestApp, outbox_id: i64, message_id: &str, reply_to: &str) -> Vec<u8> {
    let bounce = app
        .jobs
        .outbox
        .inbound
        .as_ref()
        .unwrap()
        .bounce_to(outbox_id);
    let (local, _) = bounce.split_once('@').unwrap();
    let path = format!(
        "{}/tests/fixtures/inbound/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .replace("bounce+{OUTBOX}", local)
        .replace("{DOMAIN}", DOMAIN)
        .replace("{BUYER}", "jane.doe@acme-health.com")
        .replace("{REPLY_TO}", reply_to)
        .replace("{MESSAGE_ID}", message_id)
        .replace('\n', "\r\n")
        .into_bytes()
}

fn confirmation_outbox_id(app: &TestApp) -> i64 {
    let mut conn = app.pool().get().unwrap();
    outbox::table
        .filter(outbox::kind.eq("buyer_confirmation"))
        .select(outbox::id)
        .first(&mut conn)
        .unwrap()
}

fn status_of(app: &TestApp, id: i64) -> String {
    let mut conn = app.pool().get().unwrap();
    outbox::table
        .find(id)
        .select(outbox::status)
        .first(&mut conn)
        .unwrap()
}

fn bounced_flag(app: &TestApp) -> Option<i64> {
    let mut conn = app.pool().get().unwrap();
    contacts::table
        .select(contacts::mail_bounced_at)
        .first(&mut conn)
        .unwrap()
}

async fn postfix_and_exchange_reports_mark_the_mail_bounced_and_flag_the_lead(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let (id, message_id, reply_to) = inquiry_sent(app, relay).await;
    let outbox_id = confirmation_outbox_id(app);
    let raw = fixture("postfix_dsn.eml", app, outbox_id, &message_id, &reply_to);
    let to = app
        .jobs
        .outbox
        .inbound
        .as_ref()
        .unwrap()
        .bounce_to(outbox_id);
    smtp_to_listener(app, &to, raw).await.unwrap();
    assert_eq!(status_of(app, outbox_id), "bounced");
    assert!(bounced_flag(app).is_some());
    assert_eq!(app.event_details("mail_bounced").len(), 1);
    assert_eq!(
        app.outbox_mails("mail_bounced").len(),
        1,
        "the owner is told"
    );
    let ada = app.admin().await;
    let page = ada.page(&format!("/admin/leads/{id}")).await;
    assert!(
        page.contains("Email undeliverable — phone or correct it"),
        "{page}"
    );

    // The Exchange report of the same mail, found by the Message-ID it quotes.
    let raw = fixture("exchange_dsn.eml", app, 999_999, &message_id, &reply_to);
    let raw = String::from_utf8(raw).unwrap();
    let raw = raw.replace("<bounce+999999", "<nobody+1");
    let (status, body) = post_raw(app, TOKEN, raw.into_bytes()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.event_details("mail_bounced").len(), 1, "marked once");
}
with_inbound!(postfix_and_exchange_reports_mark_the_mail_bounced_and_flag_the_lead);

async fn an_out_of_office_reply_is_recorded_not_a_bounce(app: &TestApp, relay: &SmtpServer) {
    let (_, message_id, reply_to) = inquiry_sent(app, relay).await;
    let reply_to = bare_address(&reply_to);
    let raw = fixture("out_of_office.eml", app, 1, &message_id, &reply_to);
    smtp_to_listener(app, &reply_to, raw).await.unwrap();
    assert_eq!(app.event_details("auto_replied").len(), 1);
    assert!(app.event_details("mail_bounced").is_empty());
    assert!(app.event_details("buyer_replied").is_empty());
    assert!(bounced_flag(app).is_none());
}
with_inbound!(an_out_of_office_reply_is_recorded_not_a_bounce);

async fn a_bounced_address_gets_no_automatic_mail_until_the_buyer_asks_again(
    app: &TestApp,
    relay: &SmtpServer,
) {
    let (_, message_id, reply_to) = inquiry_sent(app, relay).await;
    let outbox_id = confirmation_outbox_id(app);
    let raw = fixture("postfix_dsn.eml", app, outbox_id, &message_id, &reply_to);
    let (status, _) = post_raw(app, TOKEN, raw).await;
    assert_eq!(status, 200);
    assert!(bounced_flag(app).is_some());
    app.submit(&format!("{REPORT_PATH}/discount"), valid_fields())
        .await;
    assert!(
        bounced_flag(app).is_none(),
        "a real new request lifts the hold"
    );
    let confirmations: Vec<String> = {
        let mut conn = app.pool().get().unwrap();
        outbox::table
            .filter(outbox::kind.eq("buyer_confirmation"))
            .order(outbox::id)
            .select(outbox::status)
            .load(&mut conn)
            .unwrap()
    };
    // The new request's confirmation goes out (the worker may have sent it
    // already): it is not held back.
    assert_eq!(confirmations.len(), 2);
    assert_eq!(confirmations[0], "bounced");
    assert!(
        ["pending", "sent"].contains(&confirmations[1].as_str()),
        "{confirmations:?}"
    );
}
with_inbound!(a_bounced_address_gets_no_automatic_mail_until_the_buyer_asks_again);

async fn automatic_mail_to_a_bounced_address_is_held_back(app: &TestApp, relay: &SmtpServer) {
    let fields = crate::helpers::with_field(valid_fields(), "email", "jane.doe@gmail.com");
    app.submit(&format!("{REPORT_PATH}/sample-request"), fields)
        .await;
    app.drain_outbox().await;
    relay.wait_for(2).await;
    let id = app.leads()[0].id;
    let outbox_id = confirmation_outbox_id(app);
    let message_id: String = {
        let mut conn = app.pool().get().unwrap();
        outbox::table
            .find(outbox_id)
            .select(outbox::message_id)
            .first(&mut conn)
            .unwrap()
    };
    let raw = fixture("postfix_dsn.eml", app, outbox_id, &message_id, "x@y.test");
    assert_eq!(post_raw(app, TOKEN, raw).await.0, 200);
    let detail = format!("/admin/leads/{id}");
    let ada = app.admin().await;
    ada.post(&detail, &format!("{detail}/sample"), &[]).await;
    let mut conn = app.pool().get().unwrap();
    let link_status: String = outbox::table
        .filter(outbox::kind.eq("sample_link"))
        .select(outbox::status)
        .first(&mut conn)
        .unwrap();
    assert_eq!(link_status, "suppressed");
}
with_inbound!(automatic_mail_to_a_bounced_address_is_held_back);

async fn html_with_script_in_a_reply_is_never_served_as_html(app: &TestApp, relay: &SmtpServer) {
    let (id, message_id, reply_to) = inquiry_sent(app, relay).await;
    let reply_to = bare_address(&reply_to);
    let raw = fixture("html_reply.eml", app, 1, &message_id, &reply_to);
    let (status, body) = post_raw(app, TOKEN, raw).await;
    assert_eq!(status, 200, "{body}");
    let ada = app.admin().await;
    let page = ada.page(&format!("/admin/leads/{id}")).await;
    assert!(
        page.contains("enterprise licence &amp; a call")
            || page.contains("enterprise licence &#38; a call"),
        "{page}"
    );
    assert!(!page.contains("alert("), "{page}");
    assert!(!page.contains("onerror"), "{page}");
    assert!(
        page.contains("purchase-order.pdf"),
        "attachments are listed"
    );
}
with_inbound!(html_with_script_in_a_reply_is_never_served_as_html);
