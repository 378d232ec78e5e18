//! Staff sessions live on the server: a copied cookie is worth nothing once
//! its session has ended, on any instance.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::html::texts;
use crate::staff::{PASSWORD, StaffClient, csrf_in, new_browser};

/// Logs in with a fresh browser; answers it and the session cookie it got.
async fn login_with_cookie<'a>(app: &'a TestApp, email: &str) -> (StaffClient<'a>, String) {
    let client = new_browser();
    let response = app.try_login(&client, email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    (StaffClient { app, client }, cookie)
}

/// A request with only `cookie`, as someone who copied it would send it.
async fn replay(app: &TestApp, cookie: &str, path: &str) -> u16 {
    let response = crate::helpers::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn a_session_cookie_replayed_after_logout_is_refused(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let (sam, cookie) = login_with_cookie(app, "sam@publisher.test").await;
    assert_eq!(
        replay(app, &cookie, "/admin/leads").await,
        200,
        "the copy works while logged in"
    );
    assert_eq!(sam.post("/admin", "/admin/logout", &[]).await.status(), 303);
    assert_eq!(
        replay(app, &cookie, "/admin/leads").await,
        303,
        "refused after logout"
    );
}
both_backends!(a_session_cookie_replayed_after_logout_is_refused);

async fn a_password_change_ends_every_other_session_of_the_user(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let (laptop, _) = login_with_cookie(app, "sam@publisher.test").await;
    let (phone, phone_cookie) = login_with_cookie(app, "sam@publisher.test").await;
    let new_password = "marmalade-comet-77";
    let fields = [
        ("current", PASSWORD),
        ("new", new_password),
        ("confirm", new_password),
    ];
    let changed = laptop.post(
        "/admin/account/password",
        "/admin/account/password",
        &fields,
    );
    assert_eq!(changed.await.status(), 303);
    assert_eq!(
        laptop.get("/admin").await.status(),
        200,
        "the changing browser stays in"
    );
    assert_eq!(phone.get("/admin").await.status(), 303);
    assert_eq!(replay(app, &phone_cookie, "/admin").await, 303);
}
both_backends!(a_password_change_ends_every_other_session_of_the_user);

async fn signing_out_everywhere_else_keeps_only_this_browser(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let (laptop, _) = login_with_cookie(app, "sam@publisher.test").await;
    let (phone, _) = login_with_cookie(app, "sam@publisher.test").await;
    let page = laptop.page("/admin/account/password").await;
    assert_eq!(
        texts(&page, "table.data tbody tr").len(),
        2,
        "both places are listed"
    );
    assert!(page.contains("(this browser)"));
    let csrf = csrf_in(&page);
    let fields = [("csrf_token", csrf.as_str())];
    let ended = laptop
        .post_raw("/admin/account/sessions/end", &fields)
        .await;
    assert_eq!(ended.status(), 303);
    assert_eq!(phone.get("/admin").await.status(), 303);
    let page = laptop.page("/admin/account/password").await;
    assert_eq!(texts(&page, "table.data tbody tr").len(), 1);
}
both_backends!(signing_out_everywhere_else_keeps_only_this_browser);

async fn disabling_a_user_ends_their_sessions_for_good(app: &TestApp) {
    let sam_id = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let (_sam, cookie) = login_with_cookie(app, "sam@publisher.test").await;
    let ada = app.admin().await;
    let disable = format!("/admin/users/{sam_id}/disable");
    assert_eq!(ada.post("/admin/users", &disable, &[]).await.status(), 303);
    assert_eq!(replay(app, &cookie, "/admin").await, 303);
    // Enabled again (from the command line, say), the old cookie stays dead.
    {
        use diesel::prelude::*;
        use reportdesk::db::schema::users;
        let mut conn = app.pool().get().unwrap();
        diesel::update(users::table.find(sam_id))
            .set(users::active.eq(true))
            .execute(&mut conn)
            .unwrap();
    }
    assert_eq!(replay(app, &cookie, "/admin").await, 303);
}
both_backends!(disabling_a_user_ends_their_sessions_for_good);
