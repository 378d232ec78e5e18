//! `/api/v1/leads`: list (the desk's filters, cursor pages), one lead with its
//! timeline, a change of status or owner, a note. Changes go through the
//! workflow layer, as the desk's do.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::auth::ApiCaller;
use super::problem::Problem;
use super::query::{ListQuery, encode_cursor};
use crate::db::queries::{lead_json, lead_list};
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_json::LeadJson;
use crate::domain::lead_status::LeadStatus;
use crate::domain::text::multi_line;
use crate::state::AppState;
use crate::workflow::change_lead::add_note;
use crate::workflow::follow_up::NextStep;
use crate::workflow::patch_lead::{LeadPatch, patch_lead};

/// One page of leads, newest first.
#[derive(Serialize, ToSchema)]
pub struct LeadPage {
    pub data: Vec<LeadJson>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/leads",
    tag = "leads",
    params(ListQuery),
    responses(
        (status = 200, description = "Leads, newest first", body = LeadPage),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter's value is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    _caller: ApiCaller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Problem> {
    let page = run_blocking(&state.pool, move |conn| {
        let checked = match query.check(conn) {
            Ok(checked) => checked,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut ids =
            lead_list::ids_newest_first(conn, &checked.filter, checked.before, checked.limit + 1)?;
        let more = ids.len() as i64 > checked.limit;
        ids.truncate(checked.limit as usize);
        let next_cursor = more
            .then(|| ids.last().map(|id| encode_cursor(*id)))
            .flatten();
        let data = lead_json::load(conn, &ids, false)?;
        Ok(Ok(LeadPage { data, next_cursor }))
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = i64, Path, description = "The lead's id")),
    responses(
        (status = 200, description = "The lead with its timeline", body = LeadJson),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    _caller: ApiCaller,
    path: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let lead = load_one(&state, id, true).await?;
    Ok(HttpResponse::Ok().json(lead))
}

async fn load_one(state: &AppState, id: i64, with_events: bool) -> Result<LeadJson, Problem> {
    run_blocking(&state.pool, move |conn| {
        Ok(lead_json::load(conn, &[id], with_events)?.pop())
    })
    .await?
    .ok_or_else(|| Problem::not_found("lead"))
}

/// Reads `"assignee_id": null` as "no owner", and its absence as "unchanged".
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// What to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadChange {
    /// The new status. `lost` needs `lost_reason`; `contacted`, `qualified`
    /// and `proposal` need a next step (`next_action` and `next_action_at`)
    /// unless one is already planned.
    pub status: Option<String>,
    pub lost_reason: Option<String>,
    /// The next step, e.g. "Call about the multi-user licence".
    pub next_action: Option<String>,
    /// When the next step is due (RFC 3339).
    #[schema(example = "2026-12-01T10:00:00Z")]
    pub next_action_at: Option<String>,
    /// A user's id; `null` for no owner.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
}

impl LeadChange {
    fn patch(&self) -> Result<LeadPatch, Problem> {
        let status = match self.status.as_deref() {
            None => None,
            Some(value) => Some(LeadStatus::from_db(value).ok_or_else(|| {
                Problem::field(
                    "status",
                    "status must be one of new, contacted, qualified, proposal, won, lost, spam",
                )
            })?),
        };
        let lost_reason = self
            .lost_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if status == Some(LeadStatus::Lost) && lost_reason.is_none() {
            return Err(Problem::field(
                "lost_reason",
                "give a lost_reason when the status is lost",
            ));
        }
        let next = match (&self.next_action, &self.next_action_at) {
            (None, None) => None,
            (Some(action), Some(at)) => {
                let due_at = jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%#z", at.trim())
                    .or_else(|_| at.trim().parse::<jiff::Timestamp>())
                    .map_err(|_| {
                        Problem::field("next_action_at", "next_action_at must be an RFC 3339 time")
                    })?
                    .as_second();
                let action = crate::domain::text::single_line(action, "next_action", 2, 200)
                    .map_err(|why| Problem::field("next_action", why))?;
                Some(NextStep { due_at, action })
            }
            (Some(_), None) => {
                return Err(Problem::field(
                    "next_action_at",
                    "give next_action_at with next_action",
                ));
            }
            (None, Some(_)) => {
                return Err(Problem::field(
                    "next_action",
                    "give next_action with next_action_at",
                ));
            }
        };
        if status.is_none() && self.assignee_id.is_none() {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "give status or assignee_id to change",
            ));
        }
        Ok(LeadPatch {
            status,
            lost_reason: lost_reason.map(|r| r.chars().take(500).collect()),
            next,
            owner: self.assignee_id,
        })
    }
}

#[utoipa::path(
    patch,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = i64, Path, description = "The lead's id")),
    request_body = LeadChange,
    responses(
        (status = 200, description = "The lead as changed", body = LeadJson),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The lead's state does not allow it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field's value is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn change(
    state: web::Data<AppState>,
    caller: ApiCaller,
    path: web::Path<i64>,
    body: web::Json<LeadChange>,
) -> Result<HttpResponse, Problem> {
    caller.may_write()?;
    let id = path.into_inner();
    let patch = body.patch()?;
    let actor = caller.actor();
    let setup = state.mail_setup.clone();
    run_blocking(&state.pool, move |conn| {
        if let Some(Some(owner)) = patch.owner {
            let active =
                crate::db::models::user::User::find(conn, owner)?.is_some_and(|u| u.active);
            if !active {
                return Ok(Err(Problem::field(
                    "assignee_id",
                    "assignee_id must be an active user's id",
                )));
            }
        }
        Ok(patch_lead(conn, id, &patch, actor, &setup, now_unix()).map_err(Problem::from))
    })
    .await??;
    state.work_queued();
    Ok(HttpResponse::Ok().json(load_one(&state, id, false).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// 1–5,000 characters.
    pub text: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/leads/{id}/notes",
    tag = "leads",
    params(("id" = i64, Path, description = "The lead's id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "Noted; the lead with its timeline", body = LeadJson),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, an unknown or a revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is empty or too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn note(
    state: web::Data<AppState>,
    caller: ApiCaller,
    path: web::Path<i64>,
    body: web::Json<NewNote>,
) -> Result<HttpResponse, Problem> {
    caller.may_write()?;
    let id = path.into_inner();
    let text =
        multi_line(&body.text, "text", 1, 5000).map_err(|why| Problem::field("text", why))?;
    let actor = caller.actor();
    run_blocking(&state.pool, move |conn| {
        Ok(add_note(conn, id, &text, actor, now_unix()))
    })
    .await??;
    Ok(HttpResponse::Created().json(load_one(&state, id, true).await?))
}
