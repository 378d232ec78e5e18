//! Logging in to the sales desk, sessions and CSRF.

use std::time::Duration;

use reportdesk::db::Backend;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::staff::{PASSWORD, StaffClient, csrf_in, new_browser};

const LOGIN_FAILED: &str = "The email or password is not right";

async fn anonymous_requests_to_the_desk_are_sent_to_the_login_page_that_returns_there(
    app: &TestApp,
) {
    for path in [
        "/admin",
        "/admin/leads",
        "/admin/leads/1",
        "/admin/leads/export.csv",
        "/admin/users",
        "/admin/account/password",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        let back = format!(
            "/admin/login?next={}",
            path.replace('/', "%2F").replace('.', "%2E")
        );
        assert_eq!(response.headers()["location"], back.as_str(), "{path}");
    }
    // Its own connection: the server answers before reading the body and
    // then closes the connection, which a reused keep-alive would trip on.
    let post = new_browser()
        .post(app.url("/admin/leads/1/status"))
        .form(&[("status", "won")])
        .send()
        .await
        .unwrap();
    // A form with no session is not saved, and the page says so.
    assert_eq!(post.status(), 401);
    assert!(
        post.text()
            .await
            .unwrap()
            .contains("Your session ended; this was not saved:")
    );
    assert_eq!(app.get("/admin/login").await.status(), 200);
}
both_backends!(anonymous_requests_to_the_desk_are_sent_to_the_login_page_that_returns_there);

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let browser = new_browser();
    let wrong = app
        .try_login(&browser, "sam@publisher.test", "not-the-password")
        .await;
    let unknown = app
        .try_login(&browser, "nobody@publisher.test", PASSWORD)
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(wrong.contains(LOGIN_FAILED));
    assert!(unknown.contains(LOGIN_FAILED));
}
both_backends!(a_wrong_password_and_an_unknown_email_get_the_same_answer);

async fn five_failures_from_one_address_throttle_it_and_say_for_how_long(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let browser = new_browser();
    for _ in 0..5 {
        assert_eq!(
            app.try_login(&browser, "sam@publisher.test", "wrong-password-x")
                .await
                .status(),
            422
        );
    }
    let right = app
        .try_login(&browser, "sam@publisher.test", PASSWORD)
        .await;
    assert_eq!(
        right.status(),
        429,
        "throttled even with the right password"
    );
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("Try again in 1 minute.")
    );
}
both_backends!(five_failures_from_one_address_throttle_it_and_say_for_how_long);

async fn logging_in_issues_a_new_session_cookie_with_safe_flags(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let browser = new_browser();
    let login_page = browser.get(app.url("/admin/login")).send().await.unwrap();
    let before = login_page.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let csrf = csrf_in(&login_page.text().await.unwrap());
    let response = browser
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "sam@publisher.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(after.starts_with("rd_session="), "{after}");
    assert_ne!(
        before.split(';').next(),
        after.split(';').next(),
        "the session changes at login"
    );
    assert!(after.contains("HttpOnly"));
    assert!(after.contains("SameSite=Strict"));
    assert!(after.contains("Path=/"));
}
both_backends!(logging_in_issues_a_new_session_cookie_with_safe_flags);

async fn logging_out_ends_the_session(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    assert_eq!(sam.get("/admin").await.status(), 200);
    assert_eq!(sam.post("/admin", "/admin/logout", &[]).await.status(), 303);
    assert_eq!(sam.get("/admin").await.status(), 303);
}
both_backends!(logging_out_ends_the_session);

async fn a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(app: &TestApp) {
    let ada = app.admin().await;
    let lead = app.seed_lead(
        reportdesk::domain::lead_kind::LeadKind::Inquiry,
        "a@acme.test",
        "Acme",
        reportdesk::domain::lead_status::LeadStatus::New,
        1_800_000_000,
    );
    let path = format!("/admin/leads/{lead}/status");
    let missing = ada.post_raw(&path, &[("status", "won")]).await;
    assert_eq!(missing.status(), 403);
    let wrong = ada
        .post_raw(&path, &[("csrf_token", "0123abcd"), ("status", "won")])
        .await;
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("You cannot do that here")
    );
    assert_eq!(app.leads()[0].status, "new");
    let logout = ada.post_raw("/admin/logout", &[]).await;
    assert_eq!(logout.status(), 403);
}
both_backends!(a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing);

async fn a_sales_user_cannot_open_user_management(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    assert_eq!(sam.get("/admin/users").await.status(), 403);
    assert_eq!(
        sam.post(
            "/admin",
            "/admin/users",
            &[
                ("email", "x@y.test"),
                ("name", "X"),
                ("role", "admin"),
                ("password", PASSWORD)
            ]
        )
        .await
        .status(),
        403
    );
    assert!(!sam.page("/admin").await.contains("href=\"/admin/users\""));
}
both_backends!(a_sales_user_cannot_open_user_management);

async fn a_disabled_users_session_stops_working_at_once(app: &TestApp) {
    let ada = app.admin().await;
    let sam_id = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    assert_eq!(sam.get("/admin/leads").await.status(), 200);
    let response = ada
        .post(
            "/admin/users",
            &format!("/admin/users/{sam_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(sam.get("/admin/leads").await.status(), 303);
    let again = app
        .try_login(&new_browser(), "sam@publisher.test", PASSWORD)
        .await;
    assert_eq!(again.status(), 422);
}
both_backends!(a_disabled_users_session_stops_working_at_once);

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.session_idle_seconds = 1)
        .await
        .unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    assert_eq!(sam.get("/admin").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = sam.get("/admin").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/login?next=%2Fadmin");
    app.stop().await;
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_even_when_busy() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.session_max_seconds = 2)
        .await
        .unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    for _ in 0..3 {
        assert_eq!(sam.get("/admin").await.status(), 200);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(sam.get("/admin").await.status(), 303);
    app.stop().await;
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure_with_the_host_prefix() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.public_url = "https://reports.publisher.test".into()
    })
    .await
    .unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let response = app
        .try_login(&new_browser(), "sam@publisher.test", PASSWORD)
        .await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-rd_session="), "{cookie}");
    assert!(cookie.contains("Secure"));
    app.stop().await;
}

#[tokio::test]
async fn login_attempts_from_one_address_are_limited() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let browser = new_browser();
    let mut statuses = Vec::new();
    for _ in 0..22 {
        statuses.push(
            app.try_login(&browser, "nobody@publisher.test", "whatever-password")
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam: StaffClient<'_> = app.login("sam@publisher.test").await;
    let wrong = sam
        .post(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current", "nope-nope-nope"),
                ("new", "a-brand-new-secret"),
                ("confirm", "a-brand-new-secret"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Your current password is not right")
    );
    let short = sam
        .post(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current", PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status(), 422);
    let ok = sam
        .post(
            "/admin/account/password",
            "/admin/account/password",
            &[
                ("current", PASSWORD),
                ("new", "a-brand-new-secret"),
                ("confirm", "a-brand-new-secret"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", "a-brand-new-secret")
            .await
            .status(),
        303
    );
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", PASSWORD)
            .await
            .status(),
        422
    );
    app.stop().await;
}
