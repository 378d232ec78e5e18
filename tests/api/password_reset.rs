//! "Forgot password": a mailed link that works once, for 30 minutes.

use diesel::prelude::*;
use reportdesk::db::schema::password_resets;

use crate::both_backends;
use crate::helpers::{TestApp, post_urlencoded};
use crate::staff::{PASSWORD, csrf_in, new_browser};

const NEW_PASSWORD: &str = "a-brand-new-passphrase-7";

/// Posts `fields` to `path` with the CSRF token of the page at `csrf_from`
/// (the browser's session has one token for every page).
async fn post_with_csrf_of(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf_from: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = browser.get(app.url(csrf_from)).send().await.unwrap();
    let csrf = csrf_in(&page.text().await.unwrap());
    let mut body = vec![("csrf_token", csrf.as_str())];
    body.extend_from_slice(fields);
    post_urlencoded(browser, &app.url(path), &body).await
}

async fn post(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_with_csrf_of(app, browser, path, path, fields).await
}

/// Posts to a link whose page may have no form (a dead link's), with the
/// token of the request page.
async fn post_to_link(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let response = post_with_csrf_of(app, browser, "/admin/password-reset", path, fields).await;
    response.status().as_u16()
}

async fn ask_for_a_link(app: &TestApp, browser: &reqwest::Client, email: &str) -> String {
    let asked = post(app, browser, "/admin/password-reset", &[("email", email)]).await;
    assert_eq!(asked.status(), 200);
    asked.text().await.unwrap()
}

/// The path of the latest link mailed.
fn latest_link(app: &TestApp) -> String {
    let mails = app.outbox_mails("password_reset");
    let body = &mails.last().expect("a reset mail").1;
    let start = body.find("/admin/password-reset/").unwrap();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn a_forgotten_password_is_reset_once_through_a_link_that_ends_every_session(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let old_session = app.login("sam@publisher.test").await;
    let anyone = new_browser();
    let known = ask_for_a_link(app, &anyone, "sam@publisher.test").await;
    let unknown = ask_for_a_link(app, &anyone, "nobody@publisher.test").await;
    assert!(known.contains("If an account uses that address, we have sent it a link"));
    assert_eq!(known, unknown, "the answer does not tell accounts apart");
    assert_eq!(app.outbox_mails("password_reset").len(), 1);

    let link = latest_link(app);
    let browser = new_browser();
    assert_eq!(
        browser.get(app.url(&link)).send().await.unwrap().status(),
        200
    );
    let mismatch = [
        ("new", NEW_PASSWORD),
        ("confirm", "something-else-entirely"),
    ];
    assert_eq!(post(app, &browser, &link, &mismatch).await.status(), 422);
    let set = [("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
    let done = post(app, &browser, &link, &set).await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Your password is set"));

    assert_eq!(
        old_session.get("/admin").await.status(),
        303,
        "the old session ended"
    );
    let fresh = new_browser();
    let old = app.try_login(&fresh, "sam@publisher.test", PASSWORD).await;
    assert_eq!(old.status(), 422);
    let new = app
        .try_login(&fresh, "sam@publisher.test", NEW_PASSWORD)
        .await;
    assert_eq!(new.status(), 303);

    let again = new_browser();
    assert_eq!(
        again.get(app.url(&link)).send().await.unwrap().status(),
        410,
        "used once"
    );
    let set_again = [
        ("new", "yet-another-passphrase-8"),
        ("confirm", "yet-another-passphrase-8"),
    ];
    assert_eq!(post_to_link(app, &again, &link, &set_again).await, 410);

    let ada = app.admin().await;
    let audit = ada.page("/admin/audit").await;
    assert!(audit.contains("<td>password_reset_requested</td>"));
    assert!(audit.contains("<td>password_reset</td>"));
}
both_backends!(a_forgotten_password_is_reset_once_through_a_link_that_ends_every_session);

async fn a_reset_link_expires_after_thirty_minutes(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    ask_for_a_link(app, &new_browser(), "sam@publisher.test").await;
    let link = latest_link(app);
    {
        let mut conn = app.pool().get().unwrap();
        let thirty_one_minutes_ago = reportdesk::db::now_unix() - 31 * 60;
        diesel::update(password_resets::table)
            .set(password_resets::expires_at.eq(thirty_one_minutes_ago + 30 * 60))
            .execute(&mut conn)
            .unwrap();
    }
    let browser = new_browser();
    assert_eq!(
        browser.get(app.url(&link)).send().await.unwrap().status(),
        410
    );
    let set = [("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
    assert_eq!(post_to_link(app, &browser, &link, &set).await, 410);
    let fresh = new_browser();
    let old = app.try_login(&fresh, "sam@publisher.test", PASSWORD).await;
    assert_eq!(old.status(), 303, "the password stays");
}
both_backends!(a_reset_link_expires_after_thirty_minutes);

async fn a_colleagues_inbox_gets_at_most_three_links_an_hour(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let anyone = new_browser();
    for _ in 0..5 {
        ask_for_a_link(app, &anyone, "sam@publisher.test").await;
    }
    assert_eq!(app.outbox_mails("password_reset").len(), 3);
}
both_backends!(a_colleagues_inbox_gets_at_most_three_links_an_hour);
