//! `/admin/account/password`: change one's own password, proving the current one.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::Staff;
use super::see_other;
use crate::db::run_blocking;
use crate::db::users::set_password;
use crate::errors::PageError;
use crate::security::password::check_new_password;
use crate::startup::AppState;
use crate::views::admin::PasswordPage;
use crate::views::layout::PageMeta;

fn render(
    staff: &Staff,
    problem: Option<String>,
    changed: bool,
) -> Result<HttpResponse, PageError> {
    let has_problem = problem.is_some();
    let page = PasswordPage {
        meta: PageMeta::plain("Change your password"),
        staff: staff.view(),
        problem,
        changed,
    };
    Ok(crate::views::form_page(
        has_problem,
        page.render().map_err(anyhow::Error::from)?,
    ))
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
    csrf_token: String,
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
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
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
