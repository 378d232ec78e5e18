//! `GET /admin/leads`: the filtered list with its status tabs.

use crate::domain::sample::SampleStage;
use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::filters::{FilterValues, list_summary};
use super::queues::{queue_counts, queue_tabs};
use super::timeline::describe_repeat;
use super::views::{ViewLink, view_links};
use crate::db::models::lead_event::last_event_times;
use crate::db::models::outbox::delivery_states;
use crate::db::models::report::ReportRow;
use crate::db::models::user::User;
use crate::db::queries::lead_list::{LeadListRow, ListPage, list_page};
use crate::db::queries::repeat_interest::{Asked, RepeatInterest, repeat_interest};
use crate::db::{now_unix, run_blocking};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::OutboxStatus;
use crate::domain::masking::mask_email;
use crate::domain::response_clock::{Clock, ClockedLead, ResponseTargets};
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::Staff;
use crate::web::page::{self, PageMeta};

#[derive(Template)]
#[template(path = "admin/leads.html")]
pub struct LeadListPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub tabs: Vec<Tab>,
    /// Mine, Unowned, Overdue, Follow-up due, Buyer replied.
    pub queue_tabs: Vec<Tab>,
    /// Filters set besides the search, the status and the queue: the folded
    /// filters open when there are any.
    pub active_filters: usize,
    /// The list's query string (without the page), for bulk changes.
    pub query: String,
    /// Saved views (own and shared) with their live counts.
    pub views: Vec<ViewLink>,
    /// How many leads "all matching" would take, as shown.
    pub matching: String,
    pub rows: Vec<LeadRowView>,
    pub filters: FilterValues,
    /// (stored value, label) of every kind, for the kind filter.
    pub kinds: Vec<(&'static str, &'static str)>,
    /// The sample stages the list filters by.
    pub sample_stages: Vec<(&'static str, &'static str)>,
    pub reports: Vec<(i64, String)>,
    pub owners: Vec<(i64, String)>,
    /// "55 leads, page 1 of 2", or what a broad search shows instead.
    pub summary: String,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    /// Shown to staff who may export.
    pub export_href: Option<String>,
}

/// Seconds in a day.
const DAY: i64 = 86_400;

pub struct Tab {
    pub label: String,
    pub count: String,
    pub href: String,
    pub current: bool,
}

pub struct LeadRowView {
    pub id: i64,
    pub created: String,
    /// "3 h", "2 d": how long ago it came in.
    pub age: String,
    pub kind: &'static str,
    pub report: String,
    pub name: String,
    pub company: String,
    pub masked_email: String,
    pub country: String,
    pub score: i32,
    pub status: LeadStatus,
    pub owner: String,
    /// The lead's mail together (see `delivery_states`), or "none".
    pub delivery: String,
    /// A sample request's sample stage (`SampleStage::label`); "–" for the other kinds.
    pub sample: &'static str,
    /// Time left to answer, or how late; empty once answered.
    pub clock: String,
    pub overdue: bool,
    pub repeat: Vec<String>,
    /// The buyer wrote and nobody has answered yet.
    pub buyer_replied: bool,
    /// Open, with no event for `REPORTDESK_STALLED_DAYS`.
    pub stalled: bool,
}

/// What the list reads, in one trip to the blocking pool.
struct Loaded {
    page: ListPage,
    deliveries: HashMap<i64, OutboxStatus>,
    repeats: HashMap<i64, RepeatInterest>,
    names: HashMap<i64, String>,
    reports: Vec<(i64, String)>,
    owners: Vec<(i64, String)>,
    /// Each queue tab's count (`queues::queue_counts`).
    queues: Vec<Option<i64>>,
    views: Vec<ViewLink>,
    /// When each listed lead last had an event.
    last_events: HashMap<i64, i64>,
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, PageError> {
    let values = query.into_inner();
    let now = now_unix();
    let mut filter = values.to_filter(&state.settings.response_targets(), now);
    let page_number = values.page_number();
    let (targets, me, tab_filters) = (
        state.settings.response_targets(),
        staff.user.id,
        values.clone(),
    );
    let admin = staff.user.is_admin();
    let loaded = run_blocking(&state.pool, move |conn| {
        let queues = queue_counts(conn, &tab_filters, me, &targets, now)?;
        let views = view_links(conn, me, admin, &targets, now)?;
        filter.resolve_text(conn)?;
        let page = list_page(conn, &filter, page_number - 1)?;
        let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
        let asked: Vec<Asked> = page
            .rows
            .iter()
            .map(|r| Asked {
                lead_id: r.id,
                contact_id: r.contact_id,
                email_domain: &r.email_domain,
            })
            .collect();
        let repeats = repeat_interest(conn, &asked)?;
        Ok(Loaded {
            last_events: last_event_times(conn, &ids)?,
            deliveries: delivery_states(conn, &ids)?,
            repeats,
            names: User::names(conn)?,
            reports: ReportRow::ids_and_titles(conn)?,
            owners: User::active(conn)?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect(),
            page,
            queues,
            views,
        })
    })
    .await?;
    let targets = state.settings.response_targets();
    let now = now_unix();
    let stalled_before = now - state.settings.stalled_days * DAY;
    let rows = loaded
        .page
        .rows
        .iter()
        .map(|row| row_view(row, &loaded, &targets, now, stalled_before))
        .collect();
    let view = LeadListPage {
        meta: PageMeta::plain("Leads"),
        staff: staff.view(),
        tabs: tabs(&values, loaded.page.counts.as_deref()),
        queue_tabs: queue_tabs(&values, staff.user.id, &loaded.queues),
        rows,
        kinds: LeadKind::ALL.map(|k| (k.as_db(), k.label())).to_vec(),
        sample_stages: SampleStage::ALL.map(|s| (s.as_param(), s.label())).to_vec(),
        previous_href: (page_number > 1)
            .then(|| values.href("/admin/leads", |v| v.page = (page_number - 1).to_string())),
        next_href: loaded
            .page
            .has_next
            .then(|| values.href("/admin/leads", |v| v.page = (page_number + 1).to_string())),
        export_href: staff
            .user
            .may_export()
            .then(|| values.href("/admin/leads/export.csv", |v| v.page.clear())),
        summary: list_summary(&values, loaded.page.total, page_number),
        query: serde_urlencoded::to_string(FilterValues {
            page: String::new(),
            ..values.clone()
        })
        .unwrap_or_default(),
        matching: loaded
            .page
            .total
            .map(|n| values.shown_count(n))
            .unwrap_or_default(),
        views: loaded.views,
        active_filters: [
            &values.kind,
            &values.report,
            &values.assignee,
            &values.from,
            &values.to,
            &values.sample,
        ]
        .iter()
        .filter(|v| !v.is_empty())
        .count()
            + usize::from(!values.sort.is_empty() && values.sort != "newest"),
        filters: values,
        reports: loaded.reports,
        owners: loaded.owners,
    };
    page::ok(&view)
}

/// "All" and one tab per status, with counts; a search too broad to count
/// shows its tabs without numbers.
fn tabs(values: &FilterValues, counts: Option<&[(LeadStatus, i64)]>) -> Vec<Tab> {
    let count_of = |wanted: Option<LeadStatus>| {
        counts.map(|counts| {
            let n: i64 = counts
                .iter()
                .filter(|(s, _)| match wanted {
                    Some(status) => *s == status,
                    None => *s != LeadStatus::Spam,
                })
                .map(|(_, n)| n)
                .sum();
            values.shown_count(n)
        })
    };
    let mut tabs = vec![Tab {
        label: "All".into(),
        count: count_of(None).unwrap_or_default(),
        href: values.href("/admin/leads", |v| {
            v.status.clear();
            v.page.clear();
        }),
        current: values.status.is_empty(),
    }];
    tabs.extend(LeadStatus::ALL.into_iter().map(|status| Tab {
        label: status.to_string(),
        count: count_of(Some(status)).unwrap_or_default(),
        href: values.href("/admin/leads", |v| {
            v.status = status.to_string();
            v.page.clear();
        }),
        current: values.status == status.as_db(),
    }));
    tabs
}

fn row_view(
    row: &LeadListRow,
    loaded: &Loaded,
    targets: &ResponseTargets,
    now: i64,
    stalled_before: i64,
) -> LeadRowView {
    let last_sign = loaded
        .last_events
        .get(&row.id)
        .copied()
        .unwrap_or(row.created_at);
    let lead = ClockedLead {
        kind: row.kind,
        status: row.status,
        created_at: row.created_at,
        first_contact_at: row.first_response_at,
    };
    let clock = Clock::of(lead, targets, now);
    LeadRowView {
        id: row.id,
        created: targets.hours.format(row.created_at),
        age: crate::format::age(now - row.created_at),
        kind: row.kind.label(),
        report: row.report_title.clone(),
        name: row.name.clone(),
        company: row.company.clone(),
        masked_email: mask_email(&row.email),
        country: row.country.clone(),
        score: row.score,
        status: row.status,
        owner: row
            .assignee_id
            .and_then(|id| loaded.names.get(&id).cloned())
            .unwrap_or_else(|| "–".into()),
        delivery: loaded
            .deliveries
            .get(&row.id)
            .map_or_else(|| "none".to_owned(), |s| s.to_string()),
        sample: row.sample.map_or("–", |s| s.label()),
        clock: clock.describe(),
        overdue: clock.is_overdue(),
        buyer_replied: row.buyer_replied_at.is_some(),
        stalled: row.status.awaits_contact() && last_sign < stalled_before,
        repeat: loaded
            .repeats
            .get(&row.id)
            .map(describe_repeat)
            .unwrap_or_default(),
    }
}
