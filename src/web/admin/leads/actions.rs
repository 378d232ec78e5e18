//! `POST /admin/leads/{id}/status|assign|notes|release`: parse the form, run
//! the workflow, and go back to the lead (or show it again saying why not).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::detail::render_detail;
use super::next_step::parse_next_step;
use crate::db::{DbConnection, now_unix, run_blocking};
use crate::domain::lead_status::LeadStatus;
use crate::domain::text::multi_line;
use crate::mail::compose::MailSetup;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::web::page::see_other;
use crate::workflow::LeadChangeError;
use crate::workflow::assign_owner::reassign;
use crate::workflow::change_lead::{add_note as note_lead, set_status as move_lead};
use crate::workflow::release_lead::release_lead;

/// After a change: back to the lead, or the page again with the reason it was refused.
pub(super) async fn after_change(
    state: &AppState,
    staff: &Staff,
    id: i64,
    outcome: anyhow::Result<Result<(), LeadChangeError>>,
) -> Result<HttpResponse, PageError> {
    match outcome? {
        Ok(()) => Ok(see_other(&format!("/admin/leads/{id}"))),
        Err(LeadChangeError::NotFound) => Err(PageError::NotFound),
        Err(LeadChangeError::Refused(why)) => {
            render_detail(state, staff, id, Some(why.to_owned())).await
        }
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

/// A form that was not understood: the lead's page again, saying so.
pub(super) async fn refuse(
    state: &AppState,
    staff: &Staff,
    id: i64,
    why: &str,
) -> Result<HttpResponse, PageError> {
    render_detail(state, staff, id, Some(why.to_owned())).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    next_action: String,
    #[serde(default)]
    next_due: String,
}

pub async fn set_status(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    // Spam is refused by the workflow with the same sentence.
    let Some(status) = LeadStatus::from_db(&form.status) else {
        return refuse(&state, &staff, id, "Choose one of the listed statuses").await;
    };
    let reason: String = form
        .reason
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect();
    let next = match parse_next_step(
        &form.next_action,
        &form.next_due,
        &state.settings.working_hours(),
    ) {
        Ok(next) => next,
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        let reason = (!reason.is_empty()).then_some(reason.as_str());
        Ok(move_lead(
            conn,
            id,
            status,
            reason,
            next.as_ref(),
            actor,
            now_unix(),
        ))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    owner: String,
}

pub async fn assign(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let owner = match form.owner.as_str() {
        "" => None,
        chosen => match chosen.parse() {
            Ok(owner) => Some(owner),
            Err(_) => return refuse(&state, &staff, id, "Choose an owner from the list").await,
        },
    };
    change_and_mail(state, staff, id, move |conn, id, actor, setup| {
        reassign(conn, id, owner, actor, Some(setup), now_unix()).map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

pub async fn add_note(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let note = match multi_line(&form.note, "Note", 1, 5000) {
        Ok(note) => note,
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(note_lead(conn, id, &note, actor, now_unix()))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Confirm {}

pub async fn release(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    change_and_mail(state, staff, id.into_inner(), |conn, id, actor, setup| {
        release_lead(conn, id, actor, now_unix(), setup)
    })
    .await
}

/// "Send sample" / "Send again": a fresh link mailed to the buyer.
pub async fn send_sample(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    change_and_mail(state, staff, id.into_inner(), |conn, id, actor, setup| {
        crate::workflow::deliver_sample::send_sample(conn, id, Some(actor), setup, now_unix())
    })
    .await
}

/// Runs a change that queues mail, then wakes the outbox worker if it was made.
pub(super) async fn change_and_mail(
    state: web::Data<AppState>,
    staff: Staff,
    id: i64,
    change: impl FnOnce(&mut DbConnection, i64, i64, &MailSetup) -> Result<(), LeadChangeError>
    + Send
    + 'static,
) -> Result<HttpResponse, PageError> {
    let actor = staff.user.id;
    let setup = state.mail_setup.clone();
    let outcome = run_blocking(&state.pool, move |conn| Ok(change(conn, id, actor, &setup))).await;
    let changed = matches!(outcome, Ok(Ok(())));
    let response = after_change(&state, &staff, id, outcome).await;
    if changed {
        state.work_queued();
    }
    response
}
