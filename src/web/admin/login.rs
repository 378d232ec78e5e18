//! `/admin/login` and `/admin/logout`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::login_steps::{
    Attempt, complete, record_failed, record_throttled, throttled, throttled_text,
};
use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::login_throttle::blocked_for;
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::User;
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::masking::mask_email;
use crate::security::login_throttle::account_delay;
use crate::security::return_path::safe_return_path;
use crate::security::session::{self, SessionLimits, SessionState};
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff, client_address, limit};
use crate::web::page::{self, PageMeta, see_other};

#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginPage {
    pub meta: PageMeta,
    pub csrf: String,
    pub email: String,
    pub problem: Option<String>,
    /// The desk page to return to after login (checked), or empty.
    pub next: String,
    /// A form sent after the session ended: its fields, to copy.
    pub unsaved: Vec<(String, String)>,
}

/// The one answer to every failed login: it does not say whether the account
/// exists or the password was wrong.
pub const LOGIN_FAILED: &str = "The email or password is not right. Check them and try again.";

pub(super) fn login_page(
    csrf: String,
    email: String,
    problem: Option<String>,
    next: Option<String>,
) -> Result<HttpResponse, PageError> {
    let has_problem = problem.is_some();
    let view = LoginPage {
        meta: PageMeta::plain("Sales desk login"),
        csrf,
        email,
        problem,
        next: next.unwrap_or_default(),
        unsaved: Vec::new(),
    };
    page::form(&view, has_problem)
}

/// The login page for a form that arrived after the session ended.
pub fn session_ended_page(
    csrf: String,
    unsaved: Vec<(String, String)>,
    next: Option<String>,
) -> askama::Result<String> {
    LoginPage {
        meta: PageMeta::plain("Sales desk login"),
        csrf,
        email: String::new(),
        problem: Some("Your session ended; this was not saved:".into()),
        next: next.unwrap_or_default(),
        unsaved,
    }
    .render()
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_return_path(&query.next);
    let limits = SessionLimits {
        idle_seconds: state.settings.session_idle_seconds,
        max_seconds: state.settings.session_max_seconds,
    };
    if matches!(
        session::read(&session, now_unix(), limits),
        SessionState::Active { .. }
    ) {
        return Ok(see_other(next.as_deref().unwrap_or("/admin")));
    }
    let csrf = session::anonymous_csrf(&session)?;
    login_page(csrf, String::new(), None, next)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where to go once logged in (checked again here).
    #[serde(default)]
    next: String,
}

#[tracing::instrument(name = "login", skip_all)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    limit(&state.login_limiter, &state, &req, now)?;

    let email = form.email.trim().to_lowercase();
    let next = safe_return_path(&form.next);
    let mut attempt = Attempt::password(&email, client_address(&state, &req));
    let lookup = email.clone();
    let checked_keys = attempt.key_names();
    let (user, blocked) = run_blocking(&state.pool, move |conn| {
        let user = User::find_by_email(conn, &lookup)?;
        Ok((user, blocked_for(conn, &checked_keys, now)?))
    })
    .await?;
    if let Some(user) = &user {
        attempt = attempt.of(user.id, &user.name, &user.email);
    }
    if let Some(seconds) = blocked {
        // Refused unchecked, and not counted: it cannot extend the block.
        record_throttled(&state, &attempt, now).await?;
        tracing::warn!(email = %mask_email(&email), "throttled staff login");
        let csrf = session::anonymous_csrf(&session)?;
        let page = login_page(csrf, form.email, Some(throttled_text(seconds)), next)?;
        return Ok(throttled(page, seconds));
    }
    let usable = user.as_ref().filter(|u| u.active);
    // An account guessed at from many addresses answers more slowly (capped):
    // its owner still gets in, a guesser gets few tries an hour.
    if let Some(user) = usable {
        tokio::time::sleep(account_delay(user.failed_logins)).await;
    }
    // Unknown and disabled accounts are checked against a dummy hash, so the
    // answer takes as long as for a wrong password.
    let ok = state
        .passwords
        .verify(form.password, usable.map(|u| u.password_hash.clone()))
        .await?;

    match (ok, usable) {
        // The password is right, and a code is wanted: nothing is cleared or
        // recorded as a login until the code is right too.
        (true, Some(user)) if user.has_two_factor() => {
            session::begin_second_step(&session, user.id, next.as_deref(), now)?;
            Ok(see_other("/admin/login/code"))
        }
        (true, Some(user)) => {
            let id = user.id;
            complete(&state, &req, &session, id, attempt, next.as_deref(), now).await
        }
        _ => {
            record_failed(&state, attempt, now).await?;
            tracing::warn!(email = %mask_email(&email), "failed staff login");
            let csrf = session::anonymous_csrf(&session)?;
            login_page(csrf, form.email, Some(LOGIN_FAILED.into()), next)
        }
    }
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Confirm {}

pub async fn logout(
    state: web::Data<AppState>,
    staff: Staff,
    session: Session,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    // Ended server-side too: a copy of the cookie is worth nothing now.
    let (id, user_id) = (staff.session_id, staff.user.id);
    run_blocking(&state.pool, move |conn| {
        let entry = AuditEntry {
            actor: Some(user_id),
            action: AuditAction::LoggedOut,
            target: "own account",
            detail: "",
        };
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            StaffSession::end(conn, id, now)
        })?)
    })
    .await?;
    session::end(&session);
    Ok(see_other("/admin/login"))
}
