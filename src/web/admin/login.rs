//! `/admin/login` and `/admin/logout`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited, staff_target};
use crate::db::models::login_throttle::{blocked_for, clear, record_failure};
use crate::db::models::outbox::insert_mails;
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::{User, record_failed_login, record_login};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::masking::mask_email;
use crate::mail::staff_mail::account_alert_mail;
use crate::security::login_throttle::{
    PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS, account_delay, address_key, pair_key, wait_text,
};
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

fn login_page(
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
    let address = client_address(&state, &req);
    let keys = [pair_key(&email, address), address_key(address)];
    let detail = address.map_or_else(
        || "from an unknown address".into(),
        |ip| format!("from {ip}"),
    );
    let lookup = email.clone();
    let checked_keys = keys.clone();
    let (user, blocked) = run_blocking(&state.pool, move |conn| {
        let user = User::find_by_email(conn, &lookup)?;
        Ok((user, blocked_for(conn, &checked_keys, now)?))
    })
    .await?;
    let target = user.as_ref().map_or_else(
        || "an unknown address".to_owned(),
        |u| staff_target(&u.name, &u.email),
    );
    if let Some(seconds) = blocked {
        // Refused unchecked, and not counted: it cannot extend the block.
        let entry_detail = detail.clone();
        run_blocking(&state.pool, move |conn| {
            let entry = AuditEntry {
                actor: None,
                action: AuditAction::LoginThrottled,
                target: &target,
                detail: &entry_detail,
            };
            Ok(entry.record(conn, now)?)
        })
        .await?;
        tracing::warn!(email = %mask_email(&email), "throttled staff login");
        let csrf = session::anonymous_csrf(&session)?;
        let problem = format!(
            "Too many failed sign-ins from this address. Try again in {}.",
            wait_text(seconds)
        );
        let mut response = login_page(
            csrf,
            form.email,
            Some(problem),
            safe_return_path(&form.next),
        )?;
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        return Ok(response);
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
        (true, Some(user)) => {
            let id = user.id;
            let agent = req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let pair = keys[0].clone();
            let token = run_blocking(&state.pool, move |conn| {
                let entry = AuditEntry {
                    actor: Some(id),
                    action: AuditAction::LoginSucceeded,
                    target: "own account",
                    detail: &detail,
                };
                Ok(audited(conn, &entry, now, |conn| {
                    record_login(conn, id, now)?;
                    clear(conn, &pair)?;
                    StaffSession::start(conn, id, &agent, now)
                })?)
            })
            .await?;
            session::begin(&session, id, &token, now)?;
            tracing::info!(user_id = id, "staff login");
            Ok(see_other(
                safe_return_path(&form.next).as_deref().unwrap_or("/admin"),
            ))
        }
        _ => {
            let account = user.map(|u| (u.id, u.name, u.email));
            let setup = state.mail_setup.clone();
            let mailed = run_blocking(&state.pool, move |conn| {
                let entry = AuditEntry {
                    actor: None,
                    action: AuditAction::LoginFailed,
                    target: &target,
                    detail: &detail,
                };
                audited(conn, &entry, now, |conn| {
                    record_failure(conn, &keys[0], &PER_ACCOUNT_AND_ADDRESS, now)?;
                    record_failure(conn, &keys[1], &PER_ADDRESS, now)?;
                    let Some((id, name, email)) = &account else {
                        return Ok(false);
                    };
                    let failed = record_failed_login(conn, *id, now)?;
                    if !failed.alert_owner {
                        return Ok(false);
                    }
                    let mail = account_alert_mail(name, email, failed.failures, &setup)?;
                    insert_mails(conn, &[mail], now)?;
                    Ok(true)
                })
            })
            .await?;
            if mailed {
                state.outbox_wakeup.notify_one();
            }
            tracing::warn!(email = %mask_email(&email), "failed staff login");
            let csrf = session::anonymous_csrf(&session)?;
            login_page(
                csrf,
                form.email,
                Some(LOGIN_FAILED.into()),
                safe_return_path(&form.next),
            )
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
