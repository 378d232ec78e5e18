//! Two-factor login (RFC 6238), with codes computed by oathtool — an
//! implementation written by others — from the secret the page shows.

use diesel::prelude::*;
use reportdesk::db::now_unix;
use reportdesk::db::schema::{audit_log, users};
use reportdesk::settings::Settings;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::tools::{oathtool, oathtool_code};
use crate::html_pages::save;
use crate::staff::{PASSWORD, StaffClient, csrf_in, new_browser};

const PAGE: &str = "/admin/account/two-factor";
const WRONG: &str = "That code is not right";

/// The secret the enrolment page shows for typing into an app.
fn secret_on(page: &str) -> String {
    let start = page
        .find("id=\"totp-secret\">")
        .expect("the secret is shown")
        + 17;
    let end = start + page[start..].find('<').unwrap();
    page[start..end].replace(' ', "")
}

/// The recovery codes a page shows (once).
fn recovery_codes_on(page: &str) -> Vec<String> {
    let list = &page[page.find("class=\"recovery-codes").expect("codes shown")..];
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<code>")
        .skip(1)
        .map(|item| item[..item.find('<').unwrap()].to_owned())
        .collect()
}

/// The app's code for the step after now: valid now (one step of clock
/// difference is allowed) and later than any step used so far in a test.
fn next_code(secret: &str) -> String {
    oathtool_code(secret, now_unix() + 30)
}

/// Six digits that are no code of the steps around now.
fn wrong_code(secret: &str) -> String {
    let now = now_unix();
    let valid: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|d| oathtool_code(secret, now + d))
        .collect();
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|code| !valid.contains(code))
        .unwrap()
}

/// What turning it on left: the secret, the recovery codes, and the code
/// that confirmed it (spent).
struct Enrolled {
    secret: String,
    codes: Vec<String>,
    confirmed_with: String,
}

/// Turns two-factor login on for a logged-in staff member.
async fn enrol(staff: &StaffClient<'_>) -> Enrolled {
    let page = staff.page(PAGE).await;
    assert!(
        page.contains("<svg role=\"img\" aria-label=\"QR code"),
        "{page}"
    );
    let secret = secret_on(&page);
    let code = oathtool_code(&secret, now_unix());
    let response = staff.post(PAGE, PAGE, &[("code", &code)]).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Two-factor login is on"));
    save("admin-two-factor-codes", &page);
    let codes = recovery_codes_on(&page);
    assert_eq!(codes.len(), 10);
    Enrolled {
        secret,
        codes,
        confirmed_with: code,
    }
}

/// The password step in a fresh browser: it must ask for the code.
async fn password_step(app: &TestApp, email: &str) -> reqwest::Client {
    let browser = new_browser();
    let response = app.try_login(&browser, email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/login/code");
    browser
}

async fn send_code(app: &TestApp, browser: &reqwest::Client, code: &str) -> reqwest::Response {
    let page = browser
        .get(app.url("/admin/login/code"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    save("login-code", &page);
    let csrf = csrf_in(&page);
    browser
        .post(app.url("/admin/login/code"))
        .form(&[("csrf_token", csrf.as_str()), ("code", code)])
        .send()
        .await
        .unwrap()
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.pool().get().unwrap();
    audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::detail))
        .load(&mut conn)
        .unwrap()
}

async fn a_staff_member_turns_it_on_and_then_logs_in_with_a_code_that_works_once(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let page = sam.page(PAGE).await;
    save("admin-two-factor", &page);
    let secret = secret_on(&page);
    assert_eq!(secret.len(), 32, "160 bits in base32");
    // A wrong code does not turn it on, and the same secret stays shown.
    let refused = sam
        .post(PAGE, PAGE, &[("code", &wrong_code(&secret))])
        .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains(WRONG));
    assert_eq!(secret_on(&refused), secret);
    let Enrolled {
        secret,
        confirmed_with,
        ..
    } = enrol(&sam).await;
    save("admin-two-factor-on", &sam.page(PAGE).await);
    // Stored sealed: the database holds no trace of the secret.
    let mut conn = app.pool().get().unwrap();
    let stored: Option<String> = users::table
        .filter(users::email.eq("sam@publisher.test"))
        .select(users::totp_secret)
        .first(&mut conn)
        .unwrap();
    let stored = stored.expect("a stored secret");
    assert!(
        stored.starts_with("v1.") && !stored.contains(&secret),
        "{stored}"
    );

    // The password alone opens nothing.
    let browser = password_step(app, "sam@publisher.test").await;
    let desk = browser.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(desk.status(), 303);
    assert!(
        desk.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/admin/login")
    );
    // The code that confirmed the enrolment is spent.
    let reused = send_code(app, &browser, &confirmed_with).await;
    let code = next_code(&secret);
    assert_eq!(reused.status(), 422);
    let logged_in = send_code(app, &browser, &code).await;
    assert_eq!(logged_in.status(), 303);
    assert_eq!(logged_in.headers()["location"], "/admin");
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Seen over a shoulder, the same code is worthless in another browser.
    let other = password_step(app, "sam@publisher.test").await;
    let replayed = send_code(app, &other, &code).await;
    assert_eq!(replayed.status(), 422);
    assert!(replayed.text().await.unwrap().contains(WRONG));
    let actions = audit_actions(app);
    assert!(actions.iter().any(|(a, _)| a == "two_factor_enabled"));
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "logged_in" && d.ends_with("with the app's code"))
    );
}
both_backends!(a_staff_member_turns_it_on_and_then_logs_in_with_a_code_that_works_once);

async fn a_recovery_code_logs_in_once_however_it_is_typed(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let Enrolled { codes, .. } = enrol(&app.login("sam@publisher.test").await).await;
    let browser = password_step(app, "sam@publisher.test").await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let logged_in = send_code(app, &browser, &typed).await;
    assert_eq!(logged_in.status(), 303);
    let again = password_step(app, "sam@publisher.test").await;
    assert_eq!(send_code(app, &again, &codes[3]).await.status(), 422);
    assert_eq!(send_code(app, &again, &codes[4]).await.status(), 303);
    assert!(
        audit_actions(app)
            .iter()
            .any(|(a, d)| a == "logged_in" && d.ends_with("with a recovery code (8 left)"))
    );
}
both_backends!(a_recovery_code_logs_in_once_however_it_is_typed);

async fn guessing_codes_is_throttled_and_a_right_password_does_not_reset_the_count(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let Enrolled { secret, .. } = enrol(&app.login("sam@publisher.test").await).await;
    let wrong = wrong_code(&secret);
    let browser = password_step(app, "sam@publisher.test").await;
    for _ in 0..3 {
        assert_eq!(send_code(app, &browser, &wrong).await.status(), 422);
    }
    // The password again (it is known): the count of wrong codes goes on.
    let browser = password_step(app, "sam@publisher.test").await;
    for _ in 0..2 {
        assert_eq!(send_code(app, &browser, &wrong).await.status(), 422);
    }
    let blocked = send_code(app, &browser, &next_code(&secret)).await;
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
    assert!(blocked.text().await.unwrap().contains("Try again in"));
    let actions = audit_actions(app);
    let failed = actions
        .iter()
        .filter(|(a, d)| a == "login_failed" && d.ends_with("wrong code"))
        .count();
    assert_eq!(failed, 5);
    assert!(actions.iter().any(|(a, _)| a == "login_throttled"));
}
both_backends!(guessing_codes_is_throttled_and_a_right_password_does_not_reset_the_count);

fn require_two_factor(settings: &mut Settings) {
    settings.require_two_factor = true;
}

async fn when_required_the_desk_shows_nothing_else_until_it_is_on_and_it_stays_on(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    for path in ["/admin", "/admin/leads", "/admin/account/password"] {
        let response = sam.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], PAGE, "{path}");
    }
    let page = sam.page(PAGE).await;
    assert!(page.contains("Two-factor login is required here"));
    let Enrolled { secret, .. } = enrol(&sam).await;
    assert_eq!(sam.get("/admin/leads").await.status(), 200);
    // It cannot be turned off where it is required.
    let refused = sam
        .post(
            PAGE,
            "/admin/account/two-factor/off",
            &[("code", &next_code(&secret))],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("cannot be turned off")
    );
}
both_backends!(
    when_required_the_desk_shows_nothing_else_until_it_is_on_and_it_stays_on,
    require_two_factor
);

async fn an_admin_resets_a_lost_second_factor_and_its_owner_is_signed_out_and_mailed(
    app: &TestApp,
) {
    if !oathtool() {
        return;
    }
    let admin = app.admin().await;
    let sam_id = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    enrol(&sam).await;
    let users = admin.page("/admin/users").await;
    assert!(users.contains(&format!("/admin/users/{sam_id}/two-factor/reset")));
    let reset = admin
        .post(
            "/admin/users",
            &format!("/admin/users/{sam_id}/two-factor/reset"),
            &[],
        )
        .await;
    assert_eq!(reset.status(), 303);
    // Signed out everywhere; the password alone now logs in.
    assert_eq!(sam.get("/admin").await.status(), 303);
    let browser = new_browser();
    let login = app
        .try_login(&browser, "sam@publisher.test", PASSWORD)
        .await;
    assert_eq!(login.headers()["location"], "/admin");
    let mails = app.outbox_mails("two_factor_reset");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("sam@publisher.test"));
    assert!(
        mails[0]
            .1
            .contains("An administrator turned off two-factor login")
    );
    let actions = audit_actions(app);
    assert!(actions.iter().any(|(a, _)| a == "two_factor_reset"));
}
both_backends!(an_admin_resets_a_lost_second_factor_and_its_owner_is_signed_out_and_mailed);

async fn new_recovery_codes_need_a_current_code_and_replace_the_old_ones(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let Enrolled {
        secret, codes: old, ..
    } = enrol(&sam).await;
    let action = "/admin/account/two-factor/recovery-codes";
    let refused = sam
        .post(PAGE, action, &[("code", &wrong_code(&secret))])
        .await;
    assert_eq!(refused.status(), 422);
    // A recovery code does not stand in for the app here.
    assert_eq!(
        sam.post(PAGE, action, &[("code", &old[0])]).await.status(),
        422
    );
    let renewed = sam
        .post(PAGE, action, &[("code", &next_code(&secret))])
        .await;
    assert_eq!(renewed.status(), 200);
    let new = recovery_codes_on(&renewed.text().await.unwrap());
    assert_eq!(new.len(), 10);
    let browser = password_step(app, "sam@publisher.test").await;
    assert_eq!(send_code(app, &browser, &old[1]).await.status(), 422);
    assert_eq!(send_code(app, &browser, &new[1]).await.status(), 303);
}
both_backends!(new_recovery_codes_need_a_current_code_and_replace_the_old_ones);

async fn turning_it_off_needs_a_current_code_and_then_the_password_is_enough(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let sam = app.login("sam@publisher.test").await;
    let Enrolled { secret, .. } = enrol(&sam).await;
    let action = "/admin/account/two-factor/off";
    assert_eq!(
        sam.post(PAGE, action, &[("code", &wrong_code(&secret))])
            .await
            .status(),
        422
    );
    let off = sam
        .post(PAGE, action, &[("code", &next_code(&secret))])
        .await;
    assert_eq!(off.status(), 200);
    assert!(
        off.text()
            .await
            .unwrap()
            .contains("Two-factor login is off")
    );
    let login = app
        .try_login(&new_browser(), "sam@publisher.test", PASSWORD)
        .await;
    assert_eq!(login.headers()["location"], "/admin");
}
both_backends!(turning_it_off_needs_a_current_code_and_then_the_password_is_enough);

async fn the_code_page_without_a_right_password_leads_back_to_the_login(app: &TestApp) {
    let browser = new_browser();
    let page = browser
        .get(app.url("/admin/login/code"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/admin/login");
    // A code sent with no password step first is not checked.
    let login = browser.get(app.url("/admin/login")).send().await.unwrap();
    let csrf = csrf_in(&login.text().await.unwrap());
    let sent = browser
        .post(app.url("/admin/login/code"))
        .form(&[("csrf_token", csrf.as_str()), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 422);
    assert!(sent.text().await.unwrap().contains("Log in again"));
}
both_backends!(the_code_page_without_a_right_password_leads_back_to_the_login);

/// `reportdesk user reset-two-factor`: the way back when no admin can log in.
async fn the_command_line_resets_a_second_factor(app: &TestApp) {
    if !oathtool() {
        return;
    }
    app.create_user("ada@publisher.test", "Ada Admin", "admin");
    enrol(&app.login("ada@publisher.test").await).await;
    let dir = tempfile::tempdir().unwrap();
    let output = app.run_cli(
        &["user", "reset-two-factor", "--email", "ada@publisher.test"],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let login = app
        .try_login(&new_browser(), "ada@publisher.test", PASSWORD)
        .await;
    assert_eq!(login.headers()["location"], "/admin");
    let actions = audit_actions(app);
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "two_factor_reset" && d == "from the command line")
    );
}
both_backends!(the_command_line_resets_a_second_factor);
