//! `/admin/login` and `/admin/logout`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::Staff;
use super::see_other;
use crate::db::users::{User, record_failed_login, record_login};
use crate::db::{now_unix, run_blocking};
use crate::domain::masking::mask_email;
use crate::errors::PageError;
use crate::security::csrf::tokens_match;
use crate::security::rate_limit::limit;
use crate::security::session::{self, SessionLimits, SessionState};
use crate::startup::AppState;
use crate::views::admin::LoginPage;
use crate::views::layout::PageMeta;

/// The one answer to every failed login: it does not say whether the account
/// exists, is locked, or the password was wrong.
pub const LOGIN_FAILED: &str = "The email or password is not right, or the account is locked for a while. Check them and try again.";

fn login_page(
    csrf: String,
    email: String,
    problem: Option<&'static str>,
) -> Result<String, PageError> {
    let page = LoginPage {
        meta: PageMeta::plain("Sales desk login"),
        csrf,
        email,
        problem,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
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
    Ok(crate::views::html(login_page(csrf, String::new(), None)?))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
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
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    limit(&state.login_limiter, &state, &req, now)?;
    let form = form.into_inner();
    let expected = session
        .get::<String>("csrf")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !tokens_match(&expected, &form.csrf_token) {
        return Err(PageError::Forbidden);
    }

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
            run_blocking(&state.pool, move |conn| Ok(record_login(conn, id, now)?)).await?;
            session::begin(&session, id, now)?;
            tracing::info!(user_id = id, "staff login");
            Ok(see_other("/admin"))
        }
        _ => {
            if let Some(user) = &user {
                let id = user.id;
                run_blocking(&state.pool, move |conn| {
                    Ok(record_failed_login(conn, id, now)?)
                })
                .await?;
            }
            tracing::warn!(email = %mask_email(&email), "failed staff login");
            let csrf = session::anonymous_csrf(&session)?;
            let body = login_page(csrf, form.email, Some(LOGIN_FAILED))?;
            Ok(HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
                .content_type("text/html; charset=utf-8")
                .body(body))
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
}

pub async fn logout(
    staff: Staff,
    session: Session,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    session::end(&session);
    Ok(see_other("/admin/login"))
}
