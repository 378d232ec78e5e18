//! Failed logins slow an attacker down without locking the owner out.

use diesel::prelude::*;
use reportdesk::db::schema::login_throttles;
use reportdesk::settings::Settings;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::staff::PASSWORD;

/// Behind a trusted proxy, so each client can come from its own address.
fn behind_a_proxy(settings: &mut Settings) {
    settings.trusted_proxies = "127.0.0.1".into();
}

/// A browser whose requests come from `address`.
fn browser_at(address: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    crate::helpers::client_builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

fn blocks(app: &TestApp) -> Vec<Option<i64>> {
    let mut conn = app.pool().get().unwrap();
    login_throttles::table
        .order(login_throttles::key)
        .select(login_throttles::blocked_until)
        .load(&mut conn)
        .unwrap()
}

async fn failed_logins_from_one_address_do_not_lock_out_the_owner_elsewhere(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let attacker = browser_at("198.51.100.7");
    for _ in 0..5 {
        let response = app
            .try_login(&attacker, "sam@publisher.test", "a-wrong-guess-1")
            .await;
        assert_eq!(response.status(), 422);
    }
    let throttled = app
        .try_login(&attacker, "sam@publisher.test", PASSWORD)
        .await;
    assert_eq!(
        throttled.status(),
        429,
        "even the right password, from there"
    );
    let retry_after: i64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((59..=60).contains(&retry_after), "{retry_after}");
    let page = throttled.text().await.unwrap();
    assert!(
        page.contains("Too many failed sign-ins from this address. Try again in 1 minute."),
        "{page}"
    );

    let owner = browser_at("203.0.113.5");
    let response = app.try_login(&owner, "sam@publisher.test", PASSWORD).await;
    assert_eq!(response.status(), 303, "the owner elsewhere logs in");
}
both_backends!(
    failed_logins_from_one_address_do_not_lock_out_the_owner_elsewhere,
    behind_a_proxy
);

async fn attempts_during_a_block_do_not_extend_it(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let attacker = browser_at("198.51.100.7");
    for _ in 0..5 {
        app.try_login(&attacker, "sam@publisher.test", "a-wrong-guess-1")
            .await;
    }
    let blocked = blocks(app);
    assert!(blocked.iter().any(Option::is_some), "{blocked:?}");
    for _ in 0..5 {
        let response = app
            .try_login(&attacker, "sam@publisher.test", "a-wrong-guess-2")
            .await;
        assert_eq!(response.status(), 429);
    }
    assert_eq!(blocks(app), blocked, "the block stands as it was");
}
both_backends!(attempts_during_a_block_do_not_extend_it, behind_a_proxy);

async fn guesses_spread_over_many_addresses_mail_the_owner_once_and_the_owner_still_logs_in(
    app: &TestApp,
) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    for i in 1..=12 {
        let attacker = browser_at(&format!("198.51.100.{i}"));
        let response = app
            .try_login(&attacker, "sam@publisher.test", "a-wrong-guess-1")
            .await;
        assert_eq!(response.status(), 422, "one try from each address");
    }
    let alerts = app.outbox_mails("account_alert");
    assert_eq!(alerts.len(), 1, "one mail for the attack");
    assert!(alerts[0].0.contains("sam@publisher.test"));
    assert!(alerts[0].1.contains("10 times since you last signed in"));

    let owner = browser_at("203.0.113.5");
    let started = std::time::Instant::now();
    let response = app.try_login(&owner, "sam@publisher.test", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(500),
        "slowed down while under attack"
    );
}
both_backends!(
    guesses_spread_over_many_addresses_mail_the_owner_once_and_the_owner_still_logs_in,
    behind_a_proxy
);

async fn twenty_failures_from_one_address_block_it_whatever_the_accounts(app: &TestApp) {
    let sprayer = browser_at("198.51.100.9");
    for i in 1..=20 {
        let email = format!("guess{i}@publisher.test");
        let response = app.try_login(&sprayer, &email, "a-wrong-guess-1").await;
        assert_eq!(response.status(), 422, "attempt {i}");
    }
    // Keys sort `address:…` before `pair:…`: the address is blocked, no
    // single (account, address) pair is.
    let blocked = blocks(app);
    assert_eq!(blocked.len(), 21, "{blocked:?}");
    assert!(blocked[0].is_some(), "the address is blocked");
    assert!(blocked[1..].iter().all(Option::is_none), "{blocked:?}");
}
both_backends!(
    twenty_failures_from_one_address_block_it_whatever_the_accounts,
    behind_a_proxy
);
