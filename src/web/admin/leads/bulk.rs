//! `POST /admin/leads/bulk`: the leads ticked on the list (or all matching
//! its filter, up to 5,000), one action, a confirmation page that states the
//! count, then one batch. Export changes nothing: the chosen leads' CSV
//! comes back at once. Works without JavaScript.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::export::csv_download;
use super::filters::FilterValues;
use super::next_step::parse_next_step;
use crate::db::models::user::User;
use crate::db::queries::lead_filter::StatusScope;
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_status::LeadStatus;
use crate::domain::text::multi_line;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::LeadChangeError;
use crate::workflow::bulk::{BULK_CAP, BatchActor, BulkChange, BulkError, apply_bulk};

#[derive(Deserialize, Clone)]
pub struct BulkForm {
    /// `assign`, `status`, `note`, `release`, `mark-spam` or `export`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    next_action: String,
    #[serde(default)]
    next_due: String,
    #[serde(default)]
    note: String,
    /// `yes`: every lead the list's filter matches.
    #[serde(default)]
    all: String,
    /// The list's query string, to find "all" and to go back.
    #[serde(default)]
    query: String,
    /// On the confirmation: the leads, frozen when it was shown.
    #[serde(default)]
    ids: String,
    #[serde(default)]
    confirm: String,
    /// The ticked rows: `lead-<id>`.
    #[serde(flatten)]
    picked: HashMap<String, String>,
}

#[derive(Template)]
#[template(path = "admin/bulk_confirm.html")]
pub struct ConfirmPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub question: String,
    pub count: usize,
    pub ids: String,
    pub form: BulkForm,
    pub back: String,
    pub problem: Option<String>,
    /// Whether the form is offered (again): the leads and the action are
    /// right, whatever else must be added (a next step, a reason).
    pub can_confirm: bool,
    /// The desk's time zone, which a next step's due time is typed in.
    pub zone: String,
}

fn change_of(form: &BulkForm, desk: &WorkingHours) -> Result<BulkChange, String> {
    match form.action.as_str() {
        "assign" => match form.owner.as_str() {
            "" | "none" => Ok(BulkChange::Assign(None)),
            id => id
                .parse()
                .map(|id| BulkChange::Assign(Some(id)))
                .map_err(|_| "Choose an owner from the list".to_owned()),
        },
        "status" => {
            let status = LeadStatus::from_db(&form.status)
                .ok_or_else(|| "Choose one of the listed statuses".to_owned())?;
            let reason = form.reason.trim();
            Ok(BulkChange::Status {
                status,
                reason: (!reason.is_empty()).then(|| reason.chars().take(500).collect()),
                next: parse_next_step(&form.next_action, &form.next_due, desk)?,
            })
        }
        "note" => multi_line(&form.note, "Note", 1, 5000).map(BulkChange::Note),
        "release" => Ok(BulkChange::Release),
        "mark-spam" => Ok(BulkChange::MarkSpam),
        "export" => Err("Tick the leads to export".to_owned()),
        _ => Err("Choose what to do with the chosen leads".to_owned()),
    }
}

fn picked_ids(form: &BulkForm) -> Vec<i64> {
    let mut ids: Vec<i64> = form
        .picked
        .keys()
        .filter_map(|k| k.strip_prefix("lead-")?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids
}

pub async fn bulk(
    state: web::Data<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> Result<HttpResponse, PageError> {
    let values: FilterValues = serde_urlencoded::from_str(&form.query).unwrap_or_default();
    let back = values.href("/admin/leads", |v| v.page.clear());
    let change = change_of(&form, &state.settings.working_hours());
    let (targets, now, confirmed) = (
        state.settings.response_targets(),
        now_unix(),
        form.confirm == "yes",
    );
    let ids = if confirmed {
        form.ids
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    } else if form.all == "yes" {
        let mut filter = values.to_filter(&targets, now);
        run_blocking(&state.pool, move |conn| {
            filter.resolve_text(conn)?;
            Ok(filter.ids(conn, StatusScope::AsFiltered)?)
        })
        .await?
    } else {
        picked_ids(&form)
    };
    if form.action == "export" && (1..=BULK_CAP).contains(&ids.len()) {
        if !staff.user.may_export() {
            return Err(PageError::Forbidden);
        }
        let mut filter = values.to_filter(&targets, now);
        filter.ids = Some(ids.clone());
        let what = format!("{} chosen leads of the list", ids.len());
        return Ok(csv_download(&state, &staff, filter, what));
    }
    let owner_name = match &change {
        Ok(BulkChange::Assign(Some(id))) => {
            let id = *id;
            run_blocking(&state.pool, move |conn| {
                Ok(User::find(conn, id)?.map(|u| u.name))
            })
            .await?
        }
        _ => None,
    };
    let problem = match (&change, ids.len()) {
        (Err(problem), _) => Some(problem.clone()),
        (_, 0) => Some("Tick at least one lead, or all matching the filter".to_owned()),
        (_, n) if n > BULK_CAP => Some(format!(
            "{n} leads match: a batch takes at most {BULK_CAP}. Narrow the filter."
        )),
        _ => None,
    };
    let description = change
        .as_ref()
        .map(|c| c.describe(owner_name.as_deref()))
        .unwrap_or_default();
    let confirm_page = |problem: Option<String>| ConfirmPage {
        meta: PageMeta::plain("Change several leads"),
        staff: staff.view(),
        question: format!(
            "{} — {} lead{}?",
            capitalised(&description),
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        ),
        count: ids.len(),
        ids: ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        form: form.clone(),
        back: back.clone(),
        problem,
        can_confirm: (1..=BULK_CAP).contains(&ids.len())
            && ["assign", "status", "note", "release", "mark-spam"].contains(&form.action.as_str()),
        zone: state.settings.timezone.clone(),
    };
    if problem.is_some() || !confirmed {
        let has_problem = problem.is_some();
        return page::form(&confirm_page(problem), has_problem);
    }
    let Ok(change) = change else {
        return Err(PageError::BadRequest);
    };
    let (actor_id, actor_name) = (staff.user.id, staff.user.name.clone());
    let setup = state.mail_setup.clone();
    let (batch_ids, described) = (ids.clone(), description.clone());
    let applied = run_blocking(&state.pool, move |conn| {
        let actor = BatchActor {
            id: actor_id,
            name: &actor_name,
            setup: &setup,
        };
        Ok(apply_bulk(
            conn,
            &batch_ids,
            &change,
            &described,
            &actor,
            now_unix(),
        ))
    })
    .await?;
    match applied {
        Ok(batch) => {
            tracing::info!(batch, leads = ids.len(), "bulk change");
            state.work_queued();
            Ok(see_other(&back))
        }
        Err(BulkError::Lead {
            id,
            error: LeadChangeError::Refused(why),
        }) => {
            let problem = format!("Lead #{id}: {why}. Nothing was changed.");
            page::form(&confirm_page(Some(problem)), true)
        }
        Err(BulkError::Size) => page::form(&confirm_page(Some(BulkError::Size.to_string())), true),
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
