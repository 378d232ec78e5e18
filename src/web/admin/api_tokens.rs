//! `/admin/api-tokens` (admins): bearer tokens for the JSON API. A token is
//! shown once, at creation; only its hash is kept. Creation and revocation
//! are audited.

use actix_web::{HttpResponse, web};
use askama::Template;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::Deserialize;

use crate::db::models::api_token::{self, ApiToken};
use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::webhook::ApiScope;
use crate::format::format_time;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};

/// Tokens start with this, so a leaked one is recognisable (secret scanners).
const TOKEN_PREFIX: &str = "rdk_";

#[derive(Template)]
#[template(path = "admin/api_tokens.html")]
pub struct TokensPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub tokens: Vec<TokenView>,
    /// A token just made: (name, token), shown this once.
    pub new_token: Option<(String, String)>,
    pub problem: Option<String>,
}

pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub scope: &'static str,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

fn token_view(token: ApiToken) -> TokenView {
    TokenView {
        id: token.id,
        scope: token.scope().as_db(),
        created: format!(
            "{} by {}",
            format_time(token.created_at),
            token.created_by_name
        ),
        last_used: token
            .last_used_at
            .map_or_else(|| "never".into(), format_time),
        revoked: token.revoked_at.map(format_time),
        name: token.name,
        prefix: token.prefix,
    }
}

async fn render(
    state: &AppState,
    staff: &Staff,
    new_token: Option<(String, String)>,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let tokens = run_blocking(&state.pool, |conn| Ok(ApiToken::list(conn)?)).await?;
    let has_problem = problem.is_some();
    let view = TokensPage {
        meta: PageMeta::plain("API tokens"),
        staff: staff.view(),
        tokens: tokens.into_iter().map(token_view).collect(),
        new_token,
        problem,
    };
    page::form(&view, has_problem)
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, None, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub async fn create(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<HttpResponse, PageError> {
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        let problem = "Name the token (up to 100 characters), e.g. after the CRM that uses it";
        return render(&state, &staff, None, Some(problem.into())).await;
    }
    let Some(scope) = ApiScope::from_db(&form.scope) else {
        return render(
            &state,
            &staff,
            None,
            Some("Choose what the token may do".into()),
        )
        .await;
    };
    let token = new_token();
    let actor = staff.user.id;
    let (kept, named) = (token.clone(), name.clone());
    run_blocking(&state.pool, move |conn| {
        let now = now_unix();
        let target = format!("API token {named}");
        let entry = AuditEntry {
            actor: Some(actor),
            action: AuditAction::ApiTokenCreated,
            target: &target,
            detail: scope.as_db(),
        };
        Ok(audited(conn, &entry, now, |conn| {
            api_token::insert(conn, &named, scope, &kept, actor, now)
        })?)
    })
    .await?;
    tracing::info!(actor, scope = scope.as_db(), "API token created");
    render(&state, &staff, Some((name, token)), None).await
}

#[derive(Deserialize)]
pub struct RevokeForm {}

pub async fn revoke(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<RevokeForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let actor = staff.user.id;
    let revoked = run_blocking(&state.pool, move |conn| {
        let now = now_unix();
        let target = format!("API token #{id}");
        let entry = AuditEntry {
            actor: Some(actor),
            action: AuditAction::ApiTokenRevoked,
            target: &target,
            detail: "",
        };
        // Only a revocation that happened is audited.
        crate::db::write_transaction(conn, |conn| {
            if !api_token::revoke(conn, id, now)? {
                return Ok::<_, anyhow::Error>(false);
            }
            audited(conn, &entry, now, |_| Ok::<_, diesel::result::Error>(()))?;
            Ok(true)
        })
    })
    .await?;
    if !revoked {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/admin/api-tokens"))
}
