//! The figures behind the dashboard, for the last 30 days.

use std::collections::HashMap;

use diesel::prelude::*;

use super::lead_filter::{LeadFilter, Queue};
use super::lead_list::count_matching;
use crate::db::DbConnection;
use crate::db::models::outbox::count_in;
use crate::db::models::report::ReportRow;
use crate::db::schema::{leads, reports};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::OutboxStatus;
use crate::domain::response_clock::ResponseTargets;

pub const WINDOW_DAYS: i64 = 30;
const DAY: i64 = 86_400;

pub struct LiveCounts {
    /// Overdue leads, counted up to `QUEUE_COUNT_CAP` (then the cap + 1).
    pub overdue: i64,
    pub mail_pending: i64,
    pub mail_dead: i64,
}

/// The figures read from the leads created since the window's first day:
/// the 30 days' and today's and this week's (both inside the window).
#[derive(Debug, Clone)]
pub struct WindowFigures {
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
    pub today: PeriodCounts,
    pub week: PeriodCounts,
}

/// Whether a window's figures still hold: its bounds, how many leads it
/// holds and their newest `updated_at` (every change to a lead sets it),
/// read from the `leads_by_day` index alone, and the catalogue's version
/// (an import may retitle a top report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowMark {
    pub first_day: i64,
    pub today: i64,
    pub week: i64,
    pub leads: i64,
    pub last_change: Option<i64>,
    pub catalogue: Option<i64>,
}

/// A change is taken as settled this long after its `updated_at`: a write
/// stamped earlier (its clock read before it waited for the lock) could
/// still be committing until then, unseen by the mark.
const SETTLED_AFTER: i64 = 60;

impl WindowMark {
    /// Whether figures read under this mark may be kept: nothing in the
    /// window changed in the last minute, so no write stamped before the
    /// mark is still on its way.
    pub fn settled(&self, now: i64) -> bool {
        self.last_change.is_none_or(|at| at < now - SETTLED_AFTER)
    }
}

/// The window's mark (5 ms at 82,000 leads in the window, against 50–60 ms
/// to read its figures).
pub fn window_mark(
    conn: &mut DbConnection,
    first_day: i64,
    today: i64,
    week: i64,
) -> QueryResult<WindowMark> {
    let (leads, last_change): (i64, Option<i64>) = leads::table
        .filter(leads::created_at.ge(first_day))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(leads::updated_at),
        ))
        .first(conn)?;
    Ok(WindowMark {
        first_day,
        today,
        week,
        leads,
        last_change,
        catalogue: ReportRow::catalogue_version(conn)?,
    })
}

/// The first day of the window that ends on the day starting at `today`.
pub fn first_day(today: i64) -> i64 {
    today - (WINDOW_DAYS - 1) * DAY
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

/// Reads the window's figures: every lead created since `mark.first_day`.
pub fn window(conn: &mut DbConnection, mark: &WindowMark) -> QueryResult<WindowFigures> {
    let first_day = mark.first_day;
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
    Ok(WindowFigures {
        first_day,
        daily,
        by_status,
        top_reports,
        median_response: [median(a), median(b), median(c)],
        today: counts_since(conn, mark.today)?,
        week: counts_since(conn, mark.week)?,
    })
}

/// The dashboard's counts that are read afresh on every look: overdue
/// leads, mail waiting or dead.
pub fn live_counts(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<LiveCounts> {
    Ok(LiveCounts {
        overdue: overdue_in_queue(conn, targets, now)?,
        mail_pending: count_in(conn, OutboxStatus::Pending)?,
        mail_dead: count_in(conn, OutboxStatus::Dead)?,
    })
}

/// The Overdue queue's count, as its tab shows it (up to
/// `QUEUE_COUNT_CAP`, then the cap + 1): the figure links there.
fn overdue_in_queue(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<i64> {
    let overdue = LeadFilter {
        queue: Some(Queue::overdue(targets, now)),
        ..LeadFilter::default()
    };
    Ok(count_matching(conn, &overdue)?.unwrap_or_default())
}

/// Leads created in a period, by kind (spam left out) and by status.
#[derive(Debug, Clone)]
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
