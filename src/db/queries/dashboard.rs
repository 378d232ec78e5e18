//! The figures behind the dashboard, for the last 30 days.

use std::collections::HashMap;

use diesel::prelude::*;

use super::overdue::overdue_counts;
use crate::db::DbConnection;
use crate::db::models::outbox::count_in;
use crate::db::schema::{leads, reports};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::OutboxStatus;
use crate::domain::response_clock::ResponseTargets;

pub const WINDOW_DAYS: i64 = 30;
const DAY: i64 = 86_400;

pub struct DashboardData {
    /// First day shown (midnight UTC, unix seconds).
    pub first_day: i64,
    /// Per day (oldest first), leads per kind in `LeadKind::ALL` order.
    pub daily: Vec<[i64; 3]>,
    /// Leads of the window by current status.
    pub by_status: HashMap<LeadStatus, i64>,
    /// (report id, title, leads), most first; spam left out.
    pub top_reports: Vec<(i64, String, i64)>,
    /// Median seconds to first response per kind, where any lead was answered.
    pub median_response: [Option<i64>; 3],
    pub overdue: i64,
    pub mail_pending: i64,
    pub mail_dead: i64,
}

fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

pub fn load(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<DashboardData> {
    let today = targets.hours.start_of_day(now);
    let first_day = today - (WINDOW_DAYS - 1) * DAY;
    let rows: Vec<(i64, LeadKind, LeadStatus, i64, Option<i64>)> = leads::table
        .filter(leads::created_at.ge(first_day))
        .select((
            leads::created_at,
            leads::kind,
            leads::status,
            leads::report_id,
            leads::first_response_at,
        ))
        .load(conn)?;

    let mut daily = vec![[0i64; 3]; WINDOW_DAYS as usize];
    let mut by_status: HashMap<LeadStatus, i64> = HashMap::new();
    let mut per_report: HashMap<i64, i64> = HashMap::new();
    let mut response_times: [Vec<i64>; 3] = Default::default();
    for (created_at, kind, status, report_id, first_response_at) in rows {
        *by_status.entry(status).or_default() += 1;
        if status == LeadStatus::Spam {
            continue;
        }
        let Some(k) = LeadKind::ALL.iter().position(|x| *x == kind) else {
            continue;
        };
        let day = usize::try_from((created_at - first_day) / DAY)
            .unwrap_or(0)
            .min(daily.len() - 1);
        daily[day][k] += 1;
        *per_report.entry(report_id).or_default() += 1;
        if let Some(answered) = first_response_at {
            response_times[k].push(answered - created_at);
        }
    }

    let titles: HashMap<i64, String> = reports::table
        .select((reports::id, reports::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut top_reports: Vec<(i64, String, i64)> = per_report
        .into_iter()
        .map(|(id, n)| {
            (
                id,
                titles
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("report {id}")),
                n,
            )
        })
        .collect();
    top_reports.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    top_reports.truncate(5);

    let [a, b, c] = &mut response_times;
    Ok(DashboardData {
        first_day,
        daily,
        by_status,
        top_reports,
        median_response: [median(a), median(b), median(c)],
        overdue: overdue_counts(conn, targets, now)?,
        mail_pending: count_in(conn, OutboxStatus::Pending)?,
        mail_dead: count_in(conn, OutboxStatus::Dead)?,
    })
}

/// Leads created in a period, by kind (spam left out) and by status.
pub struct PeriodCounts {
    pub by_kind: Vec<(LeadKind, i64)>,
    pub by_status: Vec<(LeadStatus, i64)>,
}

/// Counts for the dashboard: leads created since `since`, in one pass over
/// the `(created_at, kind, status, …)` index (a count per kind and per status
/// read the period twelve times).
pub fn counts_since(conn: &mut DbConnection, since: i64) -> QueryResult<PeriodCounts> {
    let groups: Vec<(LeadKind, LeadStatus, i64)> = leads::table
        .filter(leads::created_at.ge(since))
        .group_by((leads::kind, leads::status))
        .select((leads::kind, leads::status, diesel::dsl::count_star()))
        .load(conn)?;
    let by_kind = LeadKind::ALL
        .into_iter()
        .map(|kind| {
            let n = groups
                .iter()
                .filter(|(k, status, _)| *k == kind && *status != LeadStatus::Spam)
                .map(|(_, _, n)| n)
                .sum();
            (kind, n)
        })
        .collect();
    let by_status = LeadStatus::ALL
        .into_iter()
        .map(|status| {
            let n = groups
                .iter()
                .filter(|(_, s, _)| *s == status)
                .map(|(_, _, n)| n)
                .sum();
            (status, n)
        })
        .collect();
    Ok(PeriodCounts { by_kind, by_status })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }
}
