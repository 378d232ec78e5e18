//! `/admin/contacts/{id}`: a buyer's data, its export, and erasure (admins).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::Staff;
use super::see_other;
use crate::db::gdpr::{contact_export, erase_contact};
use crate::db::lead_admin::contact_with_leads;
use crate::db::{now_unix, run_blocking};
use crate::domain::country::Country;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::admin::{ContactPage, OtherLead, format_time, kind_label};
use crate::views::layout::PageMeta;

async fn render(
    state: &AppState,
    staff: &Staff,
    id: i64,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let (contact, leads) = run_blocking(&state.pool, move |conn| Ok(contact_with_leads(conn, id)?))
        .await?
        .ok_or(PageError::NotFound)?;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let page = ContactPage {
        meta: PageMeta::plain("Contact"),
        staff: staff.view(),
        id,
        email: contact.email_normalized.clone(),
        company: contact.company.clone(),
        phone: or_dash(&contact.phone),
        job_title: or_dash(&contact.job_title),
        country: Country::parse(&contact.country)
            .map_or(contact.country.clone(), |c| c.name().to_owned()),
        created: format_time(contact.created_at),
        erased: contact.erased_at.map(format_time),
        leads: leads
            .into_iter()
            .map(|(id, kind, status, created, report)| OtherLead {
                id,
                kind: kind_label(&kind),
                status,
                created: format_time(created),
                report,
            })
            .collect(),
        name: contact.name,
        problem: problem.clone(),
    };
    Ok(crate::views::form_page(
        problem.is_some(),
        page.render().map_err(anyhow::Error::from)?,
    ))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, id.into_inner(), None).await
}

pub async fn export(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let data = run_blocking(&state.pool, move |conn| Ok(contact_export(conn, id)?))
        .await?
        .ok_or(PageError::NotFound)?;
    tracing::info!(
        actor = staff.user.id,
        contact_id = id,
        "contact data exported"
    );
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"contact-{id}.json\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string_pretty(&data).map_err(anyhow::Error::from)?))
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    confirm: String,
}

pub async fn erase(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<EraseForm>,
) -> Result<HttpResponse, PageError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    if form.confirm != "erase" {
        return render(
            &state,
            &staff,
            id,
            Some("Tick the box to confirm the erasure".into()),
        )
        .await;
    }
    let actor = staff.user.id;
    let done = run_blocking(&state.pool, move |conn| {
        Ok(erase_contact(conn, id, Some(actor), now_unix())?)
    })
    .await?;
    if done {
        tracing::info!(actor, contact_id = id, "contact erased");
    }
    Ok(see_other(&format!("/admin/contacts/{id}")))
}
