//! `/admin`: today's and this week's leads by kind and status, the last 30
//! days' chart, and what needs attention.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::dashboard_money::{MoneyView, money_view, month_start};
use crate::db::models::user::User;
use crate::db::queries::dashboard::{self, PeriodCounts};
use crate::db::queries::lead_list::QUEUE_COUNT_CAP;
use crate::db::queries::offer_figures;
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::duration;
use crate::format::count_label;
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
    /// "1,234", or "1,000+" past the Overdue queue's counting cap.
    pub overdue_shown: String,
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
    let first_day = dashboard::first_day(today);
    let memo_state = state.clone();
    let (window, live, (figures, names)) = run_blocking(&state.pool, move |conn| {
        // The window's figures are read again only when a lead in it was
        // added, removed or changed since they were last read.
        let mark = dashboard::window_mark(conn, first_day, today, week)?;
        let window = match memo_state.dashboard.get(&mark) {
            Some(window) => window,
            None => {
                let window = Arc::new(dashboard::window(conn, &mark)?);
                if mark.settled(now) {
                    memo_state.dashboard.keep(mark, window.clone());
                }
                window
            }
        };
        let live = dashboard::live_counts(conn, &targets, now)?;
        let money = (
            offer_figures::load(conn, month_start(now), first_day, now)?,
            User::names(conn)?,
        );
        Ok((window, live, money))
    })
    .await?;
    let period = |label, since: i64, counts: &PeriodCounts| DashboardPeriod {
        label,
        by_kind: counts
            .by_kind
            .iter()
            .map(|&(kind, n)| {
                let href = format!("/admin/leads?kind={kind}&from={}", format_day(since));
                (kind.label(), n, href)
            })
            .collect(),
        by_status: counts
            .by_status
            .iter()
            .map(|&(status, n)| {
                let href = format!("/admin/leads?status={status}&from={}", format_day(since));
                (status, n, href)
            })
            .collect(),
    };
    let window_from = format_day(window.first_day);
    let view = DashboardPage {
        meta: PageMeta::plain("Dashboard"),
        staff: staff.view(),
        daily: DailyChart::new(&window),
        funnel: funnel(&window),
        median_response: LeadKind::ALL
            .iter()
            .zip(window.median_response)
            .map(|(kind, median)| {
                let text = median.map_or_else(|| "no replies yet".to_owned(), duration);
                (kind.label(), text)
            })
            .collect(),
        overdue: live.overdue,
        overdue_shown: count_label(live.overdue, QUEUE_COUNT_CAP),
        mail_pending: live.mail_pending,
        mail_dead: live.mail_dead,
        top_reports: window
            .top_reports
            .iter()
            .map(|(id, title, n)| {
                let href = format!("/admin/leads?report={id}&from={window_from}");
                (title.clone(), *n, href)
            })
            .collect(),
        periods: vec![
            period("Today (UTC)", today, &window.today),
            period("This week (since Monday, UTC)", week, &window.week),
        ],
        window_from,
        money: money_view(figures, &names),
    };
    page::ok(&view)
}
