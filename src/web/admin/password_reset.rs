//! "Forgot password": `/admin/password-reset` mails a link that sets a new
//! password once, within 30 minutes. The answer is the same whether or not
//! an account has the address.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited, staff_target};
use crate::db::models::outbox::insert_mails;
use crate::db::models::password_reset::{self, issue, redeem};
use crate::db::models::user::{User, set_password};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::mail::staff_mail::password_reset_mail;
use crate::security::password::check_new_password;
use crate::security::session;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, limit};
use crate::web::page::{self, PageMeta};

/// The one answer to every request for a link.
pub const LINK_SENT: &str = "If an account uses that address, we have sent it a link to set a new password. The link works once, for 30 minutes.";

#[derive(Template)]
#[template(path = "admin/password_reset.html")]
pub struct ResetPage {
    pub meta: PageMeta,
    pub csrf: String,
    /// `None`: the form asking for the address; `Some`: the form setting a
    /// new password through a link.
    pub token: Option<String>,
    pub notice: Option<&'static str>,
    pub problem: Option<String>,
    /// The link is used up or expired: only "ask for a new one" is shown.
    pub dead_link: bool,
    pub done: bool,
}

impl ResetPage {
    fn new(csrf: String, token: Option<String>) -> Self {
        Self {
            meta: PageMeta::plain("Set a new password"),
            csrf,
            token,
            notice: None,
            problem: None,
            dead_link: false,
            done: false,
        }
    }
}

pub async fn ask(session: Session) -> Result<HttpResponse, PageError> {
    page::ok(&ResetPage::new(session::anonymous_csrf(&session)?, None))
}

#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    email: String,
}

pub async fn send_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    CsrfForm(form): CsrfForm<AskForm>,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    limit(&state.login_limiter, &state, &req, now)?;
    let email = form.email.trim().to_lowercase();
    let setup = state.mail_setup.clone();
    let mailed = run_blocking(&state.pool, move |conn| {
        let Some(user) = User::find_by_email(conn, &email)?.filter(|u| u.active) else {
            return Ok(false);
        };
        let target = staff_target(&user.name, &user.email);
        let entry = AuditEntry {
            actor: None,
            action: AuditAction::PasswordResetRequested,
            target: &target,
            detail: "",
        };
        audited(conn, &entry, now, |conn| {
            let Some(token) = issue(conn, user.id, now)? else {
                return Ok(false);
            };
            let mail = password_reset_mail(&user.name, &user.email, &token, &setup)?;
            insert_mails(conn, &[mail], now)?;
            Ok(true)
        })
    })
    .await?;
    if mailed {
        state.work_queued();
    }
    let mut view = ResetPage::new(session::anonymous_csrf(&session)?, None);
    view.notice = Some(LINK_SENT);
    page::ok(&view)
}

fn dead_link(csrf: String) -> Result<HttpResponse, PageError> {
    let mut view = ResetPage::new(csrf, None);
    view.dead_link = true;
    page::render(&view, StatusCode::GONE)
}

pub async fn show_link(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let csrf = session::anonymous_csrf(&session)?;
    let usable = run_blocking(&state.pool, move |conn| {
        Ok(password_reset::user_of(conn, &lookup, now_unix())?)
    })
    .await?;
    match usable {
        Some(_) => page::ok(&ResetPage::new(csrf, Some(token))),
        None => dead_link(csrf),
    }
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_new(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<NewPasswordForm>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let csrf = session::anonymous_csrf(&session)?;
    let lookup = token.clone();
    let user = run_blocking(&state.pool, move |conn| {
        let Some(id) = password_reset::user_of(conn, &lookup, now_unix())? else {
            return Ok(None);
        };
        Ok(User::find(conn, id)?)
    })
    .await?;
    let Some(user) = user.filter(|u| u.active) else {
        return dead_link(csrf);
    };
    let problem = if form.new != form.confirm {
        Some("The two new passwords differ".to_owned())
    } else {
        check_new_password(&form.new, &user.email).err()
    };
    if let Some(problem) = problem {
        let mut view = ResetPage::new(csrf, Some(token));
        view.problem = Some(problem);
        return page::form(&view, true);
    }
    let hash = state.passwords.hash(form.new).await?;
    let target = staff_target(&user.name, &user.email);
    let changed = run_blocking(&state.pool, move |conn| {
        let now = now_unix();
        let entry = AuditEntry {
            actor: None,
            action: AuditAction::PasswordReset,
            target: &target,
            detail: "through an emailed link",
        };
        audited(conn, &entry, now, |conn| {
            // Used once: a second use (or a race) finds it spent.
            if redeem(conn, &token, now)?.is_none() {
                return Ok(false);
            }
            // Every session of the account ends: whoever had it is out.
            set_password(conn, user.id, &hash, None, now)?;
            Ok(true)
        })
    })
    .await?;
    if !changed {
        return dead_link(csrf);
    }
    tracing::info!(user_id = user.id, "password reset through a link");
    let mut view = ResetPage::new(csrf, None);
    view.done = true;
    page::ok(&view)
}
