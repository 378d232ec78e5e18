//! `/admin/users` (admins only): list, add, change role, disable (a second
//! factor's reset is in `two_factor`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited, staff_target};
use crate::db::models::user::{self, NewUser, User, UserChangeError};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::email::EmailAddress;
use crate::domain::role::Role;
use crate::security::password::check_new_password;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub me: i64,
    pub users: Vec<UserRow>,
    pub roles: [Role; 2],
    pub problem: Option<String>,
    pub new_email: String,
    pub new_name: String,
    pub new_role: String,
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The role the "Make …" button gives.
    pub other_role: Role,
    pub active: bool,
    /// May export leads (admins always may; shown for sales users).
    pub can_export: bool,
    pub two_factor: bool,
    pub last_login: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
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
    let desk = state.settings.working_hours();
    let view = UsersPage {
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
                other_role: match u.role {
                    Role::Admin => Role::Sales,
                    Role::Sales => Role::Admin,
                },
                active: u.active,
                can_export: u.can_export,
                two_factor: u.totp_enabled_at.is_some(),
                last_login: u
                    .last_login_at
                    .map(|at| desk.format(at))
                    .unwrap_or_else(|| "never".into()),
            })
            .collect(),
        roles: Role::ALL,
        new_email: form.email.clone(),
        new_name: form.name.clone(),
        new_role: form.role.clone(),
        problem: problem.clone(),
    };
    page::form(&view, problem.is_some())
}

pub async fn list(
    state: web::Data<AppState>,
    Admin(staff): Admin,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, None, &NewUserForm::default()).await
}

pub async fn add(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<HttpResponse, PageError> {
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(problem) => return render(&state, &staff, Some(problem), &form).await,
    };
    let name = match crate::domain::text::single_line(&form.name, "Name", 2, 100) {
        Ok(name) => name,
        Err(problem) => return render(&state, &staff, Some(problem), &form).await,
    };
    let Some(role) = Role::from_db(&form.role) else {
        return render(&state, &staff, Some("Choose a role".into()), &form).await;
    };
    if let Err(problem) = check_new_password(&form.password, email.as_str()) {
        return render(&state, &staff, Some(format!("Password: {problem}")), &form).await;
    }
    let hash = state.passwords.hash(form.password.clone()).await?;
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        let new_user = NewUser {
            email: email.as_str(),
            name: &name,
            role,
            password_hash: &hash,
        };
        let target = staff_target(&name, email.as_str());
        let entry = AuditEntry {
            actor: Some(actor),
            action: AuditAction::UserCreated,
            target: &target,
            detail: role.as_db(),
        };
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            new_user.insert(conn, now)
        }))
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
    Admin(staff): Admin,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, PageError> {
    let role = match Role::from_db(&form.role) {
        Some(role) => role,
        None => {
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
        let change = |conn: &mut _| user::set_role(conn, id, role, actor);
        Ok(audit_user_change(
            conn,
            actor,
            id,
            AuditAction::RoleChanged,
            role.as_db(),
            change,
        ))
    })
    .await?;
    after_change(&state, &staff, outcome).await
}

/// Runs a change to user `id` and records it, naming the user, in one
/// transaction.
fn audit_user_change(
    conn: &mut crate::db::DbConnection,
    actor: i64,
    id: i64,
    action: AuditAction,
    detail: &str,
    change: impl FnOnce(&mut crate::db::DbConnection) -> Result<(), UserChangeError>,
) -> Result<(), UserChangeError> {
    let user = User::find(conn, id)?.ok_or(UserChangeError::NotFound)?;
    let target = staff_target(&user.name, &user.email);
    let entry = AuditEntry {
        actor: Some(actor),
        action,
        target: &target,
        detail,
    };
    audited(conn, &entry, now_unix(), change)
}

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    allow: String,
}

/// Allows a sales user to export leads as CSV, or withdraws it.
pub async fn set_export(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ExportForm>,
) -> Result<HttpResponse, PageError> {
    let allow = form.allow == "true";
    let action = if allow {
        AuditAction::ExportAllowed
    } else {
        AuditAction::ExportWithdrawn
    };
    let (id, actor) = (id.into_inner(), staff.user.id);
    let outcome = run_blocking(&state.pool, move |conn| {
        let change = |conn: &mut _| user::set_can_export(conn, id, allow);
        Ok(audit_user_change(conn, actor, id, action, "", change))
    })
    .await?;
    after_change(&state, &staff, outcome).await
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Confirm {}

pub async fn disable(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    id: web::Path<i64>,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    let (id, actor) = (id.into_inner(), staff.user.id);
    let outcome = run_blocking(&state.pool, move |conn| {
        let change = |conn: &mut _| user::disable(conn, id, Some(actor));
        Ok(audit_user_change(
            conn,
            actor,
            id,
            AuditAction::UserDisabled,
            "",
            change,
        ))
    })
    .await?;
    after_change(&state, &staff, outcome).await
}
