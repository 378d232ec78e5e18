//! `/admin/routing` (admins): which country's leads go to whom.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::routing::{delete_routing_rule, routing_rules, set_routing_rule};
use crate::db::models::user::User;
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::country::{Country, all_countries};
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};

#[derive(Template)]
#[template(path = "admin/routing.html")]
pub struct RoutingPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub rules: Vec<(i64, String, String)>,
    pub users: Vec<(i64, String)>,
    pub countries: &'static [(&'static str, &'static str)],
    pub problem: Option<String>,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let (rules, users) = run_blocking(&state.pool, |conn| {
        Ok((routing_rules(conn)?, User::active(conn)?))
    })
    .await?;
    let view = RoutingPage {
        meta: PageMeta::plain("Lead routing"),
        staff: staff.view(),
        rules: rules
            .into_iter()
            .map(|r| {
                let country = Country::parse(&r.country).map_or(r.country.clone(), |c| {
                    format!("{} ({})", c.name(), c.code())
                });
                (r.id, country, r.user_name)
            })
            .collect(),
        users: users.into_iter().map(|u| (u.id, u.name)).collect(),
        countries: all_countries(),
        problem: problem.clone(),
    };
    page::form(&view, problem.is_some())
}

pub async fn show(
    state: web::Data<AppState>,
    Admin(staff): Admin,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, None).await
}

#[derive(Deserialize)]
pub struct RoutingForm {
    #[serde(default)]
    country: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    delete: String,
}

pub async fn change(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    CsrfForm(form): CsrfForm<RoutingForm>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.user.id;
    if let Ok(rule_id) = form.delete.parse::<i64>() {
        run_blocking(&state.pool, move |conn| {
            let target = format!("routing rule #{rule_id}");
            let entry = routing_entry(actor, &target, "deleted");
            Ok(audited(conn, &entry, now_unix(), |conn| {
                delete_routing_rule(conn, rule_id)
            })?)
        })
        .await?;
        return Ok(see_other("/admin/routing"));
    }
    let Ok(country) = Country::parse(&form.country) else {
        return render(&state, &staff, Some("Choose a country".into())).await;
    };
    let Ok(user_id) = form.user.parse::<i64>() else {
        return render(&state, &staff, Some("Choose a person".into())).await;
    };
    let code = country.code();
    let saved = run_blocking(&state.pool, move |conn| {
        let Some(owner) = User::find(conn, user_id)?.filter(|u| u.active) else {
            return Ok(false);
        };
        let target = format!("routing for {code}");
        let detail = format!("to {}", owner.name);
        let now = now_unix();
        let entry = routing_entry(actor, &target, &detail);
        audited(conn, &entry, now, |conn| {
            set_routing_rule(conn, code, user_id, now)
        })?;
        Ok(true)
    })
    .await?;
    if !saved {
        return render(&state, &staff, Some("Choose an active person".into())).await;
    }
    tracing::info!(
        actor = staff.user.id,
        country = code,
        owner = user_id,
        "routing rule saved"
    );
    Ok(see_other("/admin/routing"))
}

fn routing_entry<'a>(actor: i64, target: &'a str, detail: &'a str) -> AuditEntry<'a> {
    AuditEntry {
        actor: Some(actor),
        action: AuditAction::RoutingChanged,
        target,
        detail,
    }
}
