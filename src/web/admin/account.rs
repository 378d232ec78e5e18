//! `/admin/account/password`: change one's own password, proving the current one.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::set_password;
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::security::password::check_new_password;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};

#[derive(Template)]
#[template(path = "admin/password.html")]
pub struct PasswordPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub problem: Option<String>,
    pub changed: bool,
    pub sessions: Vec<SessionRow>,
}

/// One place the user is signed in.
pub struct SessionRow {
    pub signed_in: String,
    pub last_active: String,
    pub browser: String,
    pub current: bool,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
    changed: bool,
) -> Result<HttpResponse, PageError> {
    let user_id = staff.user.id;
    let desk = state.settings.working_hours();
    let live = run_blocking(&state.pool, move |conn| {
        Ok(StaffSession::live_of(conn, user_id)?)
    })
    .await?;
    let has_problem = problem.is_some();
    let view = PasswordPage {
        meta: PageMeta::plain("Change your password"),
        staff: staff.view(),
        problem,
        changed,
        sessions: live
            .into_iter()
            .map(|s| SessionRow {
                signed_in: desk.format(s.created_at),
                last_active: desk.format(s.last_seen_at),
                browser: s.user_agent,
                current: s.id == staff.session_id,
            })
            .collect(),
    };
    page::form(&view, has_problem)
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, None, query.changed.is_some()).await
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Confirm {}

/// "Sign out everywhere else": every other session of this user ends.
pub async fn end_other_sessions(
    state: web::Data<AppState>,
    staff: Staff,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    let (user_id, keep) = (staff.user.id, staff.session_id);
    let ended = run_blocking(&state.pool, move |conn| {
        let entry = own_account(user_id, AuditAction::SessionsEnded);
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            StaffSession::end_all_of(conn, user_id, Some(keep), now)
        })?)
    })
    .await?;
    tracing::info!(user_id, ended, "other sessions ended");
    Ok(see_other("/admin/account/password"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change(
    state: web::Data<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let current_ok = state
        .passwords
        .verify(form.current, Some(staff.user.password_hash.clone()))
        .await?;
    if !current_ok {
        return render(
            &state,
            &staff,
            Some("Your current password is not right".into()),
            false,
        )
        .await;
    }
    if form.new != form.confirm {
        return render(
            &state,
            &staff,
            Some("The two new passwords differ".into()),
            false,
        )
        .await;
    }
    if let Err(problem) = check_new_password(&form.new, &staff.user.email) {
        return render(&state, &staff, Some(problem), false).await;
    }
    let hash = state.passwords.hash(form.new).await?;
    let id = staff.user.id;
    let keep = staff.session_id;
    run_blocking(&state.pool, move |conn| {
        let entry = own_account(id, AuditAction::PasswordChanged);
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            set_password(conn, id, &hash, Some(keep), now)
        })?)
    })
    .await?;
    tracing::info!(user_id = id, "password changed");
    Ok(see_other("/admin/account/password?changed=1"))
}

/// A staff member's action on their own account.
fn own_account(user_id: i64, action: AuditAction) -> AuditEntry<'static> {
    AuditEntry {
        actor: Some(user_id),
        action,
        target: "own account",
        detail: "",
    }
}
