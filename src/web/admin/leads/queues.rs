//! The desk's work queues as tabs over the list — Mine, Unowned, Overdue,
//! Follow-up due, Buyer replied — each with the count of exactly the leads
//! its link lists (the other filters kept).

use super::filters::{FilterValues, QUEUES};
use super::list::Tab;
use crate::db::DbConnection;
use crate::db::queries::lead_filter::LeadFilter;
use crate::db::queries::lead_list::count_matching;
use crate::domain::response_clock::ResponseTargets;

/// The filters of each queue tab: the current ones with the tab's own.
fn tab_values(values: &FilterValues, me: i64) -> Vec<(String, FilterValues)> {
    let base = FilterValues {
        queue: String::new(),
        assignee: String::new(),
        page: String::new(),
        ..values.clone()
    };
    let mut tabs = vec![
        (
            "Mine".to_owned(),
            FilterValues {
                assignee: me.to_string(),
                ..base.clone()
            },
        ),
        (
            "Unowned".to_owned(),
            FilterValues {
                assignee: "none".into(),
                ..base.clone()
            },
        ),
    ];
    tabs.extend(QUEUES.map(|(name, label)| {
        (
            label.to_owned(),
            FilterValues {
                queue: name.into(),
                ..base.clone()
            },
        )
    }));
    tabs
}

/// Counts each queue tab (in the caller's blocking task): the filters its
/// link carries, resolved as the list resolves them.
pub fn queue_counts(
    conn: &mut DbConnection,
    values: &FilterValues,
    me: i64,
    targets: &ResponseTargets,
    now: i64,
) -> anyhow::Result<Vec<Option<i64>>> {
    let mut counts = Vec::new();
    for (_, tab) in tab_values(values, me) {
        let mut filter: LeadFilter = tab.to_filter(targets, now);
        filter.resolve_text(conn)?;
        counts.push(count_matching(conn, &filter)?);
    }
    Ok(counts)
}

pub fn queue_tabs(values: &FilterValues, me: i64, counts: &[Option<i64>]) -> Vec<Tab> {
    tab_values(values, me)
        .into_iter()
        .zip(counts)
        .map(|((label, tab), count)| Tab {
            current: tab.queue == values.queue && tab.assignee == values.assignee,
            href: tab.href("/admin/leads", |_| {}),
            count: count.map(|n| tab.shown_count(n)).unwrap_or_default(),
            label,
        })
        .collect()
}
