//! `/admin/my-day`: the signed-in person's work, most urgent first — their
//! overdue first responses, then next steps due today or late, then their
//! new leads.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::queries::lead_filter::{LeadFilter, OwnerFilter, Queue, Sort};
use crate::db::queries::lead_list::{LeadListRow, PAGE_SIZE, newest_rows};
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_status::LeadStatus;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::Staff;
use crate::web::page::{self, PageMeta};

#[derive(Template)]
#[template(path = "admin/my_day.html")]
pub struct MyDayPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    /// (heading, the list's link, its leads)
    pub sections: Vec<(&'static str, String, Vec<DayLead>)>,
}

pub struct DayLead {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
    pub company: String,
    pub report: String,
    pub received: String,
}

impl DayLead {
    fn of(row: &LeadListRow, desk: &WorkingHours) -> Self {
        Self {
            id: row.id,
            kind: row.kind.label(),
            name: row.name.clone(),
            company: row.company.clone(),
            report: row.report_title.clone(),
            received: desk.format(row.created_at),
        }
    }
}

pub async fn show(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    let me = staff.user.id;
    let targets = state.settings.response_targets();
    let end_of_today = targets.hours.end_of_day(now);
    let mine = LeadFilter {
        owner: Some(OwnerFilter::User(me)),
        ..LeadFilter::default()
    };
    let filters = [
        LeadFilter {
            queue: Some(Queue::overdue(&targets, now)),
            ..mine.clone()
        },
        LeadFilter {
            queue: Some(Queue::FollowUpDue { by: end_of_today }),
            // The step due longest ago first, as the queue lists them.
            sort: Sort::Waiting,
            ..mine.clone()
        },
        LeadFilter {
            status: Some(LeadStatus::New),
            ..mine
        },
    ];
    let pages = run_blocking(&state.pool, move |conn| {
        let mut pages = Vec::new();
        for filter in &filters {
            pages.push(newest_rows(conn, filter, PAGE_SIZE)?);
        }
        Ok(pages)
    })
    .await?;
    let [overdue, due, new]: [Vec<LeadListRow>; 3] = pages
        .try_into()
        .map_err(|_| PageError::Internal(anyhow::anyhow!("three sections")))?;
    // A new lead already listed as overdue is not listed twice.
    let new: Vec<&LeadListRow> = new
        .iter()
        .filter(|row| !overdue.iter().any(|o| o.id == row.id))
        .collect();
    let view = MyDayPage {
        meta: PageMeta::plain("My day"),
        staff: staff.view(),
        sections: vec![
            (
                "Overdue first responses",
                format!("/admin/leads?assignee={me}&queue=overdue"),
                overdue
                    .iter()
                    .map(|row| DayLead::of(row, &targets.hours))
                    .collect(),
            ),
            (
                "Next steps due today or late",
                format!("/admin/leads?assignee={me}&queue=follow-up"),
                due.iter()
                    .map(|row| DayLead::of(row, &targets.hours))
                    .collect(),
            ),
            (
                "New leads",
                format!("/admin/leads?assignee={me}&status=new"),
                new.into_iter()
                    .map(|row| DayLead::of(row, &targets.hours))
                    .collect(),
            ),
        ],
    };
    page::ok(&view)
}
