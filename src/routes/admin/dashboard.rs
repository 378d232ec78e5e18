//! `/admin`: today's and this week's leads by kind and status.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::auth::Staff;
use crate::db::dashboard;
use crate::db::lead_admin::{PeriodCounts, counts_since};
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_kind::LeadKind;
use crate::domain::response_clock::duration;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::admin::{DashboardPage, DashboardPeriod, kind_label};
use crate::views::dashboard_charts::{DailyChart, funnel};
use crate::views::layout::PageMeta;

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
            .map(|(k, n)| (kind_label(&k), n))
            .collect(),
        by_status: counts.by_status,
    };
    let page = DashboardPage {
        meta: PageMeta::plain("Dashboard"),
        staff: staff.view(),
        daily: DailyChart::new(&data),
        funnel: funnel(&data),
        median_response: LeadKind::ALL
            .iter()
            .zip(data.median_response)
            .map(|(kind, median)| {
                (
                    kind.label(),
                    median.map_or_else(|| "no replies yet".to_owned(), duration),
                )
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
    Ok(crate::views::html(
        page.render().map_err(anyhow::Error::from)?,
    ))
}
