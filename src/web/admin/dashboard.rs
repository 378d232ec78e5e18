//! `/admin`: today's and this week's leads by kind and status, the last 30
//! days' chart, and what needs attention.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::dashboard_money::{MoneyView, money_view, month_start};
use crate::db::models::user::User;
use crate::db::queries::dashboard::{self, PeriodCounts, counts_since};
use crate::db::queries::offer_figures;
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
    /// (title, leads, the list of them)
    pub top_reports: Vec<(String, i64, String)>,
    /// (kind label, median first response as text)
    pub median_response: Vec<(&'static str, String)>,
    pub overdue: i64,
    /// The list filtered to the 30 days the charts cover: `&from=…` added.
    pub window_from: String,
    pub mail_pending: i64,
    pub mail_dead: i64,
    pub money: MoneyView,
}

/// Each count links to the list of exactly the leads it counts.
pub struct DashboardPeriod {
    pub label: &'static str,
    /// (kind label, count, list link)
    pub by_kind: Vec<(&'static str, i64, String)>,
    /// (status, count, list link)
    pub by_status: Vec<(LeadStatus, i64, String)>,
}

/// `2026-11-27`, as the list's date filters take it.
fn format_day(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

pub async fn dashboard(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    let targets = state.settings.response_targets();
    let (today, week) = (
        targets.hours.start_of_day(now),
        targets.hours.start_of_week(now),
    );
    let (today_counts, week_counts, data, (figures, names)) =
        run_blocking(&state.pool, move |conn| {
            let data = dashboard::load(conn, &targets, now)?;
            let money = (
                offer_figures::load(conn, month_start(now), data.first_day, now)?,
                User::names(conn)?,
            );
            Ok((
                counts_since(conn, today)?,
                counts_since(conn, week)?,
                data,
                money,
            ))
        })
        .await?;
    let period = |label, since: i64, counts: PeriodCounts| DashboardPeriod {
        label,
        by_kind: counts
            .by_kind
            .into_iter()
            .map(|(kind, n)| {
                let href = format!("/admin/leads?kind={kind}&from={}", format_day(since));
                (kind.label(), n, href)
            })
            .collect(),
        by_status: counts
            .by_status
            .into_iter()
            .map(|(status, n)| {
                let href = format!("/admin/leads?status={status}&from={}", format_day(since));
                (status, n, href)
            })
            .collect(),
    };
    let window_from = format_day(data.first_day);
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
        top_reports: data
            .top_reports
            .into_iter()
            .map(|(id, title, n)| {
                let href = format!("/admin/leads?report={id}&from={window_from}");
                (title, n, href)
            })
            .collect(),
        periods: vec![
            period("Today (UTC)", today, today_counts),
            period("This week (since Monday, UTC)", week, week_counts),
        ],
        window_from,
        money: money_view(figures, &names),
    };
    page::ok(&view)
}
