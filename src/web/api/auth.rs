//! Who is calling the API: a bearer token an admin created, not revoked,
//! within its rate limit. Changes are made as the admin who created it.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use super::problem::Problem;
use crate::db::models::api_token::{self, ApiToken};
use crate::db::{now_unix, run_blocking};
use crate::domain::webhook::ApiScope;
use crate::state::AppState;
use crate::web::extract::Extracted;

pub struct ApiCaller {
    pub token: ApiToken,
}

impl ApiCaller {
    /// The user changes are recorded as.
    pub fn actor(&self) -> i64 {
        self.token.created_by
    }

    /// 403 unless the token may write.
    pub fn may_write(&self) -> Result<(), Problem> {
        if self.token.scope().may_write() {
            Ok(())
        } else {
            Err(Problem::new(
                StatusCode::FORBIDDEN,
                format!(
                    "this token's scope is {}; changes need a {} token",
                    self.token.scope().as_db(),
                    ApiScope::ReadWrite.as_db()
                ),
            ))
        }
    }
}

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, detail)
}

impl FromRequest for ApiCaller {
    type Error = Problem;
    type Future = Extracted<Self, Problem>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
        Box::pin(async move {
            let state = state.ok_or_else(|| Problem::internal("no app state"))?;
            let token = bearer.filter(|t| !t.is_empty()).ok_or_else(|| {
                unauthorized("send the API token as Authorization: Bearer <token>")
            })?;
            let now = now_unix();
            let found = run_blocking(&state.pool, move |conn| {
                let found = ApiToken::by_token(conn, &token)?;
                if let Some(active) = found.as_ref().filter(|t| t.revoked_at.is_none()) {
                    api_token::touch(conn, active, now)?;
                }
                Ok(found)
            })
            .await?;
            let token = match found {
                Some(token) if token.revoked_at.is_none() => token,
                Some(_) => return Err(unauthorized("this API token has been revoked")),
                None => return Err(unauthorized("this API token is not known")),
            };
            if let Err(wait) = state.api_limiter.check(token.id, now) {
                let mut problem = Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "this token may make {} requests a minute; wait {wait} s",
                        state.settings.api_requests_per_minute
                    ),
                );
                problem.retry_after = Some(wait);
                return Err(problem);
            }
            Ok(ApiCaller { token })
        })
    }
}
