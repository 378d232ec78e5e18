//! `/admin/users` (admins only): list, add, change role, disable.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::Staff;
use super::see_other;
use crate::db::users::{self, NewUser, ROLE_ADMIN, ROLE_SALES, User, UserChangeError};
use crate::db::{now_unix, run_blocking};
use crate::domain::email::EmailAddress;
use crate::errors::PageError;
use crate::security::password::check_new_password;
use crate::startup::AppState;
use crate::views::admin::{UserRow, UsersPage, format_time};
use crate::views::layout::PageMeta;

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    csrf_token: String,
    email: String,
    name: String,
    role: String,
    password: String,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
    form: &NewUserForm,
) -> Result<HttpResponse, PageError> {
    let all = run_blocking(&state.pool, |conn| Ok(User::list(conn)?)).await?;
    let page = UsersPage {
        meta: PageMeta::plain("Users"),
        staff: staff.view(),
        me: staff.user.id,
        users: all
            .into_iter()
            .map(|u| UserRow {
                id: u.id,
                name: u.name,
                email: u.email,
                role: u.role,
                active: u.active,
                last_login: u
                    .last_login_at
                    .map(format_time)
                    .unwrap_or_else(|| "never".into()),
            })
            .collect(),
        new_email: form.email.clone(),
        new_name: form.name.clone(),
        new_role: form.role.clone(),
        problem: problem.clone(),
    };
    Ok(crate::views::form_page(
        problem.is_some(),
        page.render().map_err(anyhow::Error::from)?,
    ))
}

pub async fn list(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    render(&state, &staff, None, &NewUserForm::default()).await
}

pub async fn add(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(problem) => return render(&state, &staff, Some(problem), &form).await,
    };
    let name = match crate::domain::text::single_line(&form.name, "Name", 2, 100) {
        Ok(name) => name,
        Err(problem) => return render(&state, &staff, Some(problem), &form).await,
    };
    if form.role != ROLE_ADMIN && form.role != ROLE_SALES {
        return render(&state, &staff, Some("Choose a role".into()), &form).await;
    }
    if let Err(problem) = check_new_password(&form.password, email.as_str()) {
        return render(&state, &staff, Some(format!("Password: {problem}")), &form).await;
    }
    let hash = state.passwords.hash(form.password.clone()).await?;
    let role = form.role.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        let new_user = NewUser {
            email: email.as_str(),
            name: &name,
            role: &role,
            password_hash: &hash,
        };
        Ok(new_user.insert(conn, now_unix()))
    })
    .await?;
    match outcome {
        Ok(id) => {
            tracing::info!(actor = staff.user.id, user_id = id, "user added");
            Ok(see_other("/admin/users"))
        }
        Err(UserChangeError::EmailTaken) => {
            render(
                &state,
                &staff,
                Some("A user with that email already exists".into()),
                &form,
            )
            .await
        }
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    role: String,
}

async fn after_change(
    state: &AppState,
    staff: &Staff,
    outcome: Result<(), UserChangeError>,
) -> Result<HttpResponse, PageError> {
    match outcome {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(UserChangeError::NotFound) => Err(PageError::NotFound),
        Err(error @ (UserChangeError::ItsYou | UserChangeError::LastAdmin)) => {
            render(
                state,
                staff,
                Some(capitalise(&error.to_string())),
                &NewUserForm::default(),
            )
            .await
        }
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub async fn set_role(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf_token)?;
    let role = match form.role.as_str() {
        ROLE_ADMIN => ROLE_ADMIN,
        ROLE_SALES => ROLE_SALES,
        _ => {
            return render(
                &state,
                &staff,
                Some("Choose a role".into()),
                &NewUserForm::default(),
            )
            .await;
        }
    };
    let (id, actor) = (id.into_inner(), staff.user.id);
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(users::set_role(conn, id, role, actor))
    })
    .await?;
    after_change(&state, &staff, outcome).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

pub async fn disable(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf_token)?;
    let (id, actor) = (id.into_inner(), staff.user.id);
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(users::disable(conn, id, Some(actor)))
    })
    .await?;
    after_change(&state, &staff, outcome).await
}
