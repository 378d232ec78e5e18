//! `/admin/inbound` (admins): mail that came in for no lead we could find,
//! to file on a lead or set aside. Nothing is dropped without a person.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::audit_entry::{AuditEntry, audited};
use crate::db::models::inbound_mail::{self, InboundRow};
use crate::db::{now_unix, run_blocking};
use crate::domain::audit_action::AuditAction;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::LeadChangeError;
use crate::workflow::receive_mail::settle_unmatched;

/// The newest this many are listed.
const LISTED: i64 = 100;

#[derive(Template)]
#[template(path = "admin/inbound.html")]
pub struct UnmatchedPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub mails: Vec<UnmatchedView>,
    pub problem: Option<String>,
}

pub struct UnmatchedView {
    pub id: i64,
    pub received: String,
    pub sender: String,
    pub subject: String,
    pub kind: &'static str,
    pub text: String,
}

impl UnmatchedView {
    fn of(row: InboundRow, desk: &WorkingHours) -> Self {
        Self {
            id: row.id,
            received: desk.format(row.received_at),
            kind: row.kind.label(),
            sender: row.sender,
            subject: row.subject,
            text: row.body_text.chars().take(2000).collect(),
        }
    }
}

async fn render(
    state: &AppState,
    staff: &Staff,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let rows = run_blocking(&state.pool, |conn| {
        Ok(inbound_mail::unmatched(conn, LISTED)?)
    })
    .await?;
    let desk = state.settings.working_hours();
    let view = UnmatchedPage {
        meta: PageMeta::plain("Unmatched mail"),
        staff: staff.view(),
        mails: rows
            .into_iter()
            .map(|row| UnmatchedView::of(row, &desk))
            .collect(),
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
pub struct SettleForm {
    /// A lead number to file it on; empty with `discard` to set it aside.
    #[serde(default)]
    lead: String,
    #[serde(default)]
    discard: String,
}

pub async fn settle(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<SettleForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let lead_id = if form.discard.is_empty() {
        match form.lead.trim().trim_start_matches('#').parse::<i64>() {
            Ok(lead) => Some(lead),
            Err(_) => {
                return render(
                    &state,
                    &staff,
                    Some("Give the number of the lead to file the mail on".into()),
                )
                .await;
            }
        }
    } else {
        None
    };
    let actor = staff.user.id;
    let setup = state.mail_setup.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        let target = format!("inbound mail #{id}");
        let detail = lead_id.map_or_else(String::new, |l| format!("to lead #{l}"));
        let entry = AuditEntry {
            actor: Some(actor),
            action: match lead_id {
                Some(_) => AuditAction::InboundMailFiled,
                None => AuditAction::InboundMailDiscarded,
            },
            target: &target,
            detail: &detail,
        };
        Ok(audited(conn, &entry, now_unix(), |conn| {
            settle_unmatched(conn, id, lead_id, &setup, now_unix())
        }))
    })
    .await?;
    match outcome {
        Ok(()) => {
            state.work_queued();
            Ok(see_other("/admin/inbound"))
        }
        Err(LeadChangeError::NotFound) => Err(PageError::NotFound),
        Err(LeadChangeError::Refused(why)) => render(&state, &staff, Some(why.to_owned())).await,
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}
