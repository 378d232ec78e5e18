//! `/admin/login` and `/admin/logout`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::{User, record_failed_login, record_login};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::masking::mask_email;
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
    pub problem: Option<&'static str>,
}

/// The one answer to every failed login: it does not say whether the account
/// exists, is locked, or the password was wrong.
pub const LOGIN_FAILED: &str = "The email or password is not right, or the account is locked for a while. Check them and try again.";

fn login_page(
    csrf: String,
    email: String,
    problem: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    let has_problem = problem.is_some();
    let view = LoginPage {
        meta: PageMeta::plain("Sales desk login"),
        csrf,
        email,
        problem,
    };
    page::form(&view, has_problem)
}

pub async fn show(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, PageError> {
    let limits = SessionLimits {
        idle_seconds: state.settings.session_idle_seconds,
        max_seconds: state.settings.session_max_seconds,
    };
    if matches!(
        session::read(&session, now_unix(), limits),
        SessionState::Active { .. }
    ) {
        return Ok(see_other("/admin"));
    }
    let csrf = session::anonymous_csrf(&session)?;
    login_page(csrf, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
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
    let lookup = email.clone();
    let user = run_blocking(&state.pool, move |conn| {
        Ok(User::find_by_email(conn, &lookup)?)
    })
    .await?;
    let usable = user
        .as_ref()
        .filter(|u| u.active && u.locked_until.is_none_or(|until| until <= now));
    // Unknown, disabled and locked accounts are checked against a dummy hash,
    // so the answer takes as long as for a wrong password.
    let ok = state
        .passwords
        .verify(form.password, usable.map(|u| u.password_hash.clone()))
        .await?;

    match (ok, usable) {
        (true, Some(user)) => {
            let id = user.id;
            let agent = req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let detail = from_address(&state, &req);
            let token = run_blocking(&state.pool, move |conn| {
                let entry = AuditEntry {
                    actor: Some(id),
                    action: AuditAction::LoginSucceeded,
                    target: "own account",
                    detail: &detail,
                };
                Ok(audited(conn, &entry, now, |conn| {
                    record_login(conn, id, now)?;
                    StaffSession::start(conn, id, &agent, now)
                })?)
            })
            .await?;
            session::begin(&session, id, &token, now)?;
            tracing::info!(user_id = id, "staff login");
            Ok(see_other("/admin"))
        }
        _ => {
            let detail = from_address(&state, &req);
            let account = user
                .as_ref()
                .map(|u| (u.id, format!("{} <{}>", u.name, u.email)));
            run_blocking(&state.pool, move |conn| {
                let target = match &account {
                    Some((_, named)) => named.as_str(),
                    None => "an unknown address",
                };
                let entry = AuditEntry {
                    actor: None,
                    action: AuditAction::LoginFailed,
                    target,
                    detail: &detail,
                };
                Ok(audited(conn, &entry, now, |conn| match &account {
                    Some((id, _)) => record_failed_login(conn, *id, now),
                    None => Ok(()),
                })?)
            })
            .await?;
            tracing::warn!(email = %mask_email(&email), "failed staff login");
            let csrf = session::anonymous_csrf(&session)?;
            login_page(csrf, form.email, Some(LOGIN_FAILED))
        }
    }
}

/// "from 203.0.113.9": where a login came from, for the audit trail.
fn from_address(state: &AppState, req: &HttpRequest) -> String {
    client_address(state, req).map_or_else(
        || "from an unknown address".into(),
        |ip| format!("from {ip}"),
    )
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
