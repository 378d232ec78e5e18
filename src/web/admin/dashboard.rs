//! `/admin`: today's and this week's leads by kind and status, the last 30
//! days' chart, and what needs attention.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::queries::dashboard::{self, PeriodCounts, counts_since};
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::duration;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::charts::dashboard::{DailyChart, FunnelBar, funnel};
use crate::web::error::PageError;
use crate::web::extract::Staff;
use crate::web::page::{self, PageMeta};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub periods: Vec<DashboardPeriod>,
    pub daily: DailyChart,
    pub funnel: Vec<FunnelBar>,
    pub top_reports: Vec<(String, i64)>,
    /// (kind label, median first response as text)
    pub median_response: Vec<(&'static str, String)>,
    pub overdue: i64,
    pub mail_pending: i64,
    pub mail_dead: i64,
}

pub struct DashboardPeriod {
    pub label: &'static str,
    pub by_kind: Vec<(&'static str, i64)>,
    pub by_status: Vec<(LeadStatus, i64)>,
}

const DAY: i64 = 24 * 60 * 60;

pub async fn dashboard(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    let today = now - now.rem_euclid(DAY);
    // Weeks start on Monday; 1970-01-01 was a Thursday.
    let week = today - ((today / DAY + 3).rem_euclid(7)) * DAY;
    let targets = state.settings.response_targets();
    let (today_counts, week_counts, data) = run_blocking(&state.pool, move |conn| {
        Ok((
            counts_since(conn, today)?,
            counts_since(conn, week)?,
            dashboard::load(conn, &targets, now)?,
        ))
    })
    .await?;
    let period = |label, counts: PeriodCounts| DashboardPeriod {
        label,
        by_kind: counts
            .by_kind
            .into_iter()
            .map(|(kind, n)| (kind.label(), n))
            .collect(),
        by_status: counts.by_status,
    };
    let view = DashboardPage {
        meta: PageMeta::plain("Dashboard"),
        staff: staff.view(),
        daily: DailyChart::new(&data),
        funnel: funnel(&data),
        median_response: LeadKind::ALL
            .iter()
            .zip(data.median_response)
            .map(|(kind, median)| {
                let text = median.map_or_else(|| "no replies yet".to_owned(), duration);
                (kind.label(), text)
            })
            .collect(),
        overdue: data.overdue,
        mail_pending: data.mail_pending,
        mail_dead: data.mail_dead,
        top_reports: data.top_reports,
        periods: vec![
            period("Today (UTC)", today_counts),
            period("This week (since Monday, UTC)", week_counts),
        ],
    };
    page::ok(&view)
}
