//! `/admin/account/password`: change one's own password, proving the current one.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::user::set_password;
use crate::db::run_blocking;
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
}

fn render(
    staff: &Staff,
    problem: Option<String>,
    changed: bool,
) -> Result<HttpResponse, PageError> {
    let has_problem = problem.is_some();
    let view = PasswordPage {
        meta: PageMeta::plain("Change your password"),
        staff: staff.view(),
        problem,
        changed,
    };
    page::form(&view, has_problem)
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn show(staff: Staff, query: web::Query<Done>) -> Result<HttpResponse, PageError> {
    render(&staff, None, query.changed.is_some())
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
            &staff,
            Some("Your current password is not right".into()),
            false,
        );
    }
    if form.new != form.confirm {
        return render(&staff, Some("The two new passwords differ".into()), false);
    }
    if let Err(problem) = check_new_password(&form.new, &staff.user.email) {
        return render(&staff, Some(problem), false);
    }
    let hash = state.passwords.hash(form.new).await?;
    let id = staff.user.id;
    run_blocking(&state.pool, move |conn| Ok(set_password(conn, id, &hash)?)).await?;
    tracing::info!(user_id = id, "password changed");
    Ok(see_other("/admin/account/password?changed=1"))
}
