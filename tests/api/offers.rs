//! Governed offers: limits by role, an admin's approval, the quote link the
//! buyer accepts (once), expiry, and the record each step leaves.

use diesel::prelude::*;
use reportdesk::db::now_unix;
use reportdesk::db::schema::{audit_log, lead_events, leads, offers};
use reportdesk::mail::compose::QUOTE_LINK_PURPOSE;
use reportdesk::security::signed_words::SignedWords;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};
use crate::staff::StaffClient;

/// A discount request for the multi-user licence, in USD; its lead id.
async fn discount_lead(app: &TestApp) -> i64 {
    let fields = with_field(
        with_field(valid_fields(), "currency", "USD"),
        "target_price",
        "5000",
    );
    let sent = app.submit(&format!("{REPORT_PATH}/discount"), fields).await;
    assert_eq!(sent.status(), 303);
    app.leads()[0].id
}

async fn propose(
    staff: &StaffClient<'_>,
    lead: i64,
    licence: &str,
    price: &str,
) -> reqwest::Response {
    staff
        .post(
            &format!("/admin/leads/{lead}"),
            &format!("/admin/leads/{lead}/offers"),
            &[
                ("licence", licence),
                ("currency", "USD"),
                ("price", price),
                ("valid_days", "30"),
            ],
        )
        .await
}

async fn act(
    staff: &StaffClient<'_>,
    lead: i64,
    offer: i64,
    action: &str,
    note: &str,
) -> reqwest::Response {
    staff
        .post(
            &format!("/admin/leads/{lead}"),
            &format!("/admin/offers/{offer}"),
            &[("action", action), ("note", note)],
        )
        .await
}

/// (id, state) of every offer, oldest first.
fn offer_states(app: &TestApp) -> Vec<(i64, String)> {
    let mut conn = app.pool().get().unwrap();
    offers::table
        .order(offers::id)
        .select((offers::id, offers::state))
        .load(&mut conn)
        .unwrap()
}

fn count_offer_records(app: &TestApp) -> (i64, i64) {
    let mut conn = app.pool().get().unwrap();
    let events = lead_events::table
        .filter(lead_events::kind.eq("offer_changed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let audits = audit_log::table
        .filter(audit_log::action.eq("offer_changed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    (events, audits)
}

async fn a_reps_offer_within_the_limit_goes_ahead_above_it_waits_for_an_admin(app: &TestApp) {
    let ada = app.admin().await;
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let lead = discount_lead(app).await;
    // Single user lists at USD 4,499.00: 8 % off, then 15 % off.
    assert_eq!(propose(&sam, lead, "single", "4139.08").await.status(), 303);
    assert_eq!(propose(&sam, lead, "single", "3824.15").await.status(), 303);
    let states = offer_states(app);
    assert_eq!(states[0].1, "approved");
    assert_eq!(states[1].1, "awaiting_approval");
    let waiting = states[1].0;
    // It cannot be sent, nor approved by its rep, before an admin decides.
    let early = act(&sam, lead, waiting, "send", "").await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("cannot be sent"));
    let own = act(&sam, lead, waiting, "approve", "").await;
    assert!(own.text().await.unwrap().contains("Only an admin"));
    let asked = app.outbox_mails("offer_waiting");
    assert_eq!(asked.len(), 1);
    assert!(asked[0].0.contains("ada@publisher.test"));
    assert!(asked[0].1.contains("15.0 % off"));
    // Declining needs a reason; approving takes a note.
    let bare = act(&ada, lead, waiting, "decline", "").await;
    assert!(bare.text().await.unwrap().contains("Say why"));
    assert_eq!(
        act(&ada, lead, waiting, "approve", "Strategic account")
            .await
            .status(),
        303
    );
    assert_eq!(offer_states(app)[1].1, "approved");
    let told = app.outbox_mails("offer_decided");
    assert_eq!(told.len(), 1);
    assert!(told[0].0.contains("sam@publisher.test"));
    assert!(told[0].1.contains("Strategic account"));
    // Past the admins' 40 %: refused for anyone.
    let greedy = propose(&ada, lead, "single", "2474.45").await;
    assert_eq!(greedy.status(), 422);
    assert!(greedy.text().await.unwrap().contains("above the 40 %"));
    assert_eq!(offer_states(app).len(), 2);
    // Proposed (approved), proposed (waiting), approved: three records each.
    assert_eq!(count_offer_records(app), (3, 3));
    let page = ada.page(&format!("/admin/leads/{lead}")).await;
    crate::html_pages::save("admin-lead-offers", &page);
    assert!(page.contains("USD 3,824.15 (15.0 % off USD 4,499.00)"));
    // The dashboard: one decision timed; a loss over price counted.
    let lost = ada
        .post(
            &format!("/admin/leads/{lead}"),
            &format!("/admin/leads/{lead}/status"),
            &[
                ("status", "lost"),
                ("reason", "Too expensive for their budget"),
            ],
        )
        .await;
    assert_eq!(lost.status(), 303);
    let dashboard = ada.page("/admin").await;
    assert!(dashboard.contains("(median of 1)"), "approval turnaround");
    assert!(dashboard.contains(r#"data-figure="lost-for-price"><a"#));
    assert!(dashboard.contains(">1</a></dd>"));
}
both_backends!(a_reps_offer_within_the_limit_goes_ahead_above_it_waits_for_an_admin);

/// Proposes and sends an offer; answers its id and the quote page's path.
async fn sent_offer(app: &TestApp, staff: &StaffClient<'_>, lead: i64) -> (i64, String) {
    assert_eq!(
        propose(staff, lead, "single", "3599.20").await.status(),
        303
    );
    let offer = offer_states(app).last().unwrap().0;
    assert_eq!(act(staff, lead, offer, "send", "").await.status(), 303);
    let quotes = app.outbox_mails("quote");
    let (to, body) = quotes.last().unwrap();
    assert!(to.contains("jane.doe@acme-health.com"));
    let start = body.find("/quotes/").unwrap();
    let path = body[start..].split_whitespace().next().unwrap().to_owned();
    (offer, path)
}

async fn the_quote_shows_the_offer_and_accepting_it_once_wins_the_lead(app: &TestApp) {
    let ada = app.admin().await;
    let lead = discount_lead(app).await;
    let (offer, path) = sent_offer(app, &ada, lead).await;
    let dashboard = ada.page("/admin").await;
    assert!(dashboard.contains(r#"data-figure="pipeline">USD 3,599.20 in 1 offer<"#));
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["x-robots-tag"], "noindex");
    let page = page.text().await.unwrap();
    crate::html_pages::save("quote", &page);
    for shown in [
        "USD 4,499.00",
        "20.0 %",
        "USD 3,599.20",
        "Single user",
        "Accept and request the invoice",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    // One changed character: no such quote.
    let mut altered = path.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(app.get(&altered).await.status(), 404);

    for _ in 0..2 {
        let accepted = app
            .post_form(&path, &[("action", "accept".to_owned())])
            .await;
        assert_eq!(accepted.status(), 303);
    }
    assert!(
        app.get_page(&path)
            .await
            .contains("You accepted this quote")
    );
    assert_eq!(offer_states(app), vec![(offer, "accepted".to_owned())]);
    let mut conn = app.pool().get().unwrap();
    let status: String = leads::table
        .find(lead)
        .select(leads::status)
        .first(&mut conn)
        .unwrap();
    assert_eq!(status, "won");
    // The second click changed nothing: one acceptance, one set of mails.
    let accepted_events = lead_events::table
        .filter(lead_events::kind.eq("offer_changed"))
        .filter(lead_events::detail.like("%\"accepted\"%"))
        .count()
        .get_result::<i64>(&mut conn)
        .unwrap();
    assert_eq!(accepted_events, 1);
    let told = app.outbox_mails("quote_accepted");
    assert!(told.iter().any(|(to, _)| to.contains("sales@")), "{told:?}");
    assert!(told.len() <= 2, "{told:?}");
    let dashboard = ada.page("/admin").await;
    assert!(dashboard.contains(r#"data-figure="won">USD 3,599.20 in 1 offer<"#));
    assert!(dashboard.contains(r#"data-figure="pipeline">none<"#));
    assert!(
        dashboard.contains("20.0 %"),
        "the average discount by rep and report"
    );
}
both_backends!(the_quote_shows_the_offer_and_accepting_it_once_wins_the_lead);

async fn an_expired_quote_is_gone_and_asking_for_a_new_one_tells_sales(app: &TestApp) {
    let ada = app.admin().await;
    let lead = discount_lead(app).await;
    let (offer, _) = sent_offer(app, &ada, lead).await;
    // The offer ran out a minute ago; its link is signed for that date.
    let past = now_unix() - 60;
    let mut conn = app.pool().get().unwrap();
    diesel::update(offers::table.find(offer))
        .set(offers::valid_until.eq(past))
        .execute(&mut conn)
        .unwrap();
    let token = SignedWords::new(&app.secret_key, QUOTE_LINK_PURPOSE).sign(&[offer, past]);
    let path = format!("/quotes/{token}");
    let gone = app.get(&path).await;
    assert_eq!(gone.status(), 410);
    let text = gone.text().await.unwrap();
    crate::html_pages::save("quote-gone", &text);
    assert!(text.contains("Ask for a new quote"));
    assert!(!text.contains("Accept and request the invoice"));
    assert_eq!(offer_states(app), vec![(offer, "expired".to_owned())]);
    // Accepting now changes nothing.
    app.post_form(&path, &[("action", "accept".to_owned())])
        .await;
    let status: String = leads::table
        .find(lead)
        .select(leads::status)
        .first(&mut conn)
        .unwrap();
    assert_ne!(status, "won");
    let renew = app
        .post_form(&path, &[("action", "renew".to_owned())])
        .await;
    assert_eq!(renew.status(), 303);
    assert_eq!(
        renew.headers()["location"],
        format!("{path}?asked=1").as_str()
    );
    assert_eq!(app.outbox_mails("quote_renewal_asked").len(), 1);
    let asked = app.get(&format!("{path}?asked=1")).await;
    assert_eq!(asked.status(), 410);
    assert!(asked.text().await.unwrap().contains("a new quote follows"));
}
both_backends!(an_expired_quote_is_gone_and_asking_for_a_new_one_tells_sales);

async fn offers_written_at_once_for_one_lead_each_know_their_own_id(app: &TestApp) {
    let lead = discount_lead(app).await;
    let by = app.create_user("ada@publisher.test", "Ada Admin", "admin");
    let writers: Vec<_> = (0..8_i64)
        .map(|i| {
            let pool = app.pool().clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let price = 400_000 + i;
                let id = reportdesk::db::write_transaction(&mut conn, |conn| {
                    reportdesk::db::models::offer::NewOffer {
                        lead_id: lead,
                        licence: "multi",
                        currency: "USD",
                        list_price_minor: 449_900,
                        price_minor: price,
                        discount_percent: 10.0,
                        valid_until: now_unix() + 86_400,
                        state: reportdesk::domain::offer::OfferState::Approved,
                        proposed_by: by,
                    }
                    .insert(conn, now_unix())
                })
                .unwrap();
                (id, price)
            })
        })
        .collect();
    let mut conn = app.pool().get().unwrap();
    for writer in writers {
        let (id, price) = writer.join().unwrap();
        let stored: i64 = offers::table
            .find(id)
            .select(offers::price_minor)
            .first(&mut conn)
            .unwrap();
        assert_eq!(stored, price, "offer {id} is the one its writer stored");
    }
}
both_backends!(offers_written_at_once_for_one_lead_each_know_their_own_id);
