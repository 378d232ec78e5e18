//! `/api/v1/reports` and `/api/v1/users`: what leads refer to.

use actix_web::{HttpResponse, web};

use super::auth::ApiCaller;
use super::problem::Problem;
use crate::db::models::report::ReportRow;
use crate::db::models::user::User;
use crate::db::run_blocking;
use crate::domain::lead_json::{ReportJson, UserJson, api_time};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every report", body = Vec<ReportJson>),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn reports(
    state: web::Data<AppState>,
    _caller: ApiCaller,
) -> Result<HttpResponse, Problem> {
    let rows = run_blocking(&state.pool, |conn| Ok(ReportRow::listed(conn)?)).await?;
    let reports: Vec<ReportJson> = rows
        .into_iter()
        .map(|(id, slug, title, updated_at)| ReportJson {
            id,
            slug,
            title,
            updated_at: Some(api_time(updated_at)),
        })
        .collect();
    Ok(HttpResponse::Ok().json(reports))
}

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every desk user, active or not", body = Vec<UserJson>),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn users(
    state: web::Data<AppState>,
    _caller: ApiCaller,
) -> Result<HttpResponse, Problem> {
    let rows = run_blocking(&state.pool, |conn| Ok(User::list(conn)?)).await?;
    let users: Vec<UserJson> = rows
        .into_iter()
        .map(|user| UserJson {
            id: user.id,
            name: user.name,
            role: Some(user.role.as_db().to_owned()),
            active: Some(user.active),
        })
        .collect();
    Ok(HttpResponse::Ok().json(users))
}
