//! `/admin/contacts/{id}`: a buyer's data, its export, and erasure (admins).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::leads::detail::OtherLead;
use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::queries::contact_export::contact_export;
use crate::db::queries::lead_detail::contact_with_leads;
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::country::Country;
use crate::mail::transport::remove_file_copies;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::retention::erase_contact;

#[derive(Template)]
#[template(path = "admin/contact.html")]
pub struct ContactPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    pub job_title: String,
    pub country: String,
    pub created: String,
    pub erased: Option<String>,
    pub leads: Vec<OtherLead>,
    pub problem: Option<String>,
}

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
    let desk = state.settings.working_hours();
    let view = ContactPage {
        meta: PageMeta::plain("Contact"),
        staff: staff.view(),
        id,
        email: contact.email_normalized.clone(),
        company: contact.company.clone(),
        phone: or_dash(&contact.phone),
        job_title: or_dash(&contact.job_title),
        country: Country::parse(&contact.country)
            .map_or(contact.country.clone(), |c| c.name().to_owned()),
        created: desk.format(contact.created_at),
        erased: contact.erased_at.map(|at| desk.format(at)),
        leads: leads.iter().map(|l| OtherLead::of(l, &desk)).collect(),
        name: contact.name,
        problem: problem.clone(),
    };
    page::form(&view, problem.is_some())
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
    let actor = staff.user.id;
    let data = run_blocking(&state.pool, move |conn| {
        let target = format!("contact #{id}");
        let entry = contact_entry(actor, AuditAction::ContactExported, &target);
        Ok(audited(conn, &entry, now_unix(), |conn| {
            contact_export(conn, id)
        })?)
    })
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
    confirm: String,
}

pub async fn erase(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> Result<HttpResponse, PageError> {
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
        let target = format!("contact #{id}");
        let entry = contact_entry(actor, AuditAction::ContactErased, &target);
        let now = now_unix();
        Ok(audited(conn, &entry, now, |conn| {
            erase_contact(conn, id, Some(actor), now)
        })?)
    })
    .await?;
    if let Some(mail_ids) = done {
        tracing::info!(actor, contact_id = id, "contact erased");
        let url = state.settings.mail_url.clone();
        web::block(move || remove_file_copies(&url, &mail_ids))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
    }
    Ok(see_other(&format!("/admin/contacts/{id}")))
}

fn contact_entry(actor: i64, action: AuditAction, target: &str) -> AuditEntry<'_> {
    AuditEntry {
        actor: Some(actor),
        action,
        target,
        detail: "",
    }
}
