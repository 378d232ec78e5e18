//! `/admin/login/code`: the second login step of those with two-factor login
//! on — the app's six digits, or one of their recovery codes — under the
//! same throttle as the password.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::login::login_page;
use super::login_steps::{
    Attempt, complete, record_failed, record_throttled, throttled, throttled_text,
};
use crate::db::models::login_throttle::blocked_for;
use crate::db::models::user::User;
use crate::db::{now_unix, run_blocking};
use crate::security::session::{self, SecondStep};
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, client_address, limit};
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::two_factor::{Accept, CodeCheck, check_code};

#[derive(Template)]
#[template(path = "admin/login_code.html")]
pub struct CodePage {
    pub meta: PageMeta,
    pub csrf: String,
    pub problem: Option<String>,
}

pub const WRONG_CODE: &str = "That code is not right. Type the six digits your app shows now, or one of your recovery codes.";
const TOO_SLOW: &str = "The code was not typed within five minutes. Log in again.";

fn code_page(csrf: String, problem: Option<String>) -> Result<HttpResponse, PageError> {
    let has_problem = problem.is_some();
    let view = CodePage {
        meta: PageMeta::plain("Your login code"),
        csrf,
        problem,
    };
    page::form(&view, has_problem)
}

pub async fn show(session: Session) -> Result<HttpResponse, PageError> {
    if session::second_step(&session, now_unix()).is_none() {
        return Ok(see_other("/admin/login"));
    }
    code_page(session::anonymous_csrf(&session)?, None)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[tracing::instrument(name = "login_code", skip_all)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    limit(&state.login_limiter, &state, &req, now)?;
    let Some(SecondStep { user_id, next }) = session::second_step(&session, now) else {
        let csrf = session::anonymous_csrf(&session)?;
        return login_page(csrf, String::new(), Some(TOO_SLOW.into()), None);
    };
    let user = run_blocking(&state.pool, move |conn| Ok(User::find(conn, user_id)?))
        .await?
        .filter(|u| u.active && u.has_two_factor());
    let Some(user) = user else {
        // Disabled, or reset by an admin, since the password was typed.
        session::end(&session);
        return Ok(see_other("/admin/login"));
    };
    let address = client_address(&state, &req);
    let mut attempt = Attempt::code(user.id, &user.name, &user.email, address);
    let keys = attempt.key_names();
    let blocked = run_blocking(&state.pool, move |conn| Ok(blocked_for(conn, &keys, now)?)).await?;
    if let Some(seconds) = blocked {
        record_throttled(&state, &attempt, now).await?;
        tracing::warn!(user_id, "throttled login code");
        let csrf = session::anonymous_csrf(&session)?;
        return Ok(throttled(
            code_page(csrf, Some(throttled_text(seconds)))?,
            seconds,
        ));
    }
    let checker = state.clone();
    let code = form.code;
    let checked = run_blocking(&state.pool, move |conn| {
        Ok(check_code(
            conn,
            &checker.two_factor,
            user_id,
            &code,
            Accept::AppOrRecovery,
            now,
        )?)
    })
    .await?;
    let how = match checked {
        CodeCheck::AppCode => "with the app's code".to_owned(),
        CodeCheck::RecoveryCode { left } => format!("with a recovery code ({left} left)"),
        CodeCheck::Wrong => {
            attempt.detail = format!("{}, wrong code", attempt.detail);
            record_failed(&state, attempt, now).await?;
            tracing::warn!(user_id, "wrong login code");
            return code_page(session::anonymous_csrf(&session)?, Some(WRONG_CODE.into()));
        }
    };
    attempt.detail = format!("{}, {how}", attempt.detail);
    complete(
        &state,
        &req,
        &session,
        user_id,
        attempt,
        next.as_deref(),
        now,
    )
    .await
}
