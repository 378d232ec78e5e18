//! `/admin/leads`: one page of the filtered list with its tab counts.

use std::collections::HashMap;

use diesel::prelude::*;

use super::follow_up_queue::due_leads;
use super::lead_filter::{
    FilteredFields, LeadFilter, Queue, Sort, StatusScope, TextMatch, sample_stage,
};
use crate::db::DbConnection;
use crate::db::models::sample_delivery::link_states;
use crate::db::schema::{contacts, follow_ups, leads, reports};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::sample::SampleStage;

#[derive(Debug, Clone)]
pub struct LeadListRow {
    pub id: i64,
    pub created_at: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub score: i32,
    pub assignee_id: Option<i64>,
    pub report_title: String,
    pub name: String,
    pub company: String,
    pub email: String,
    pub country: String,
    pub contact_id: i64,
    pub email_domain: String,
    pub sample: Option<SampleStage>,
    pub first_response_at: Option<i64>,
    /// The buyer wrote and staff have not answered since.
    pub buyer_replied_at: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

/// Counts stop here. Counting every match of a broad filter over a million
/// leads costs far more than showing the page; past the cap the desk shows
/// "10,000+" and the filters narrow it down.
pub const COUNT_CAP: i64 = 10_000;
/// A queue's condition costs a row read per lead counted (an owner's or a
/// status's count is read from an index alone), so its counts stop sooner:
/// "Overdue 1,000+" says what a desk needs to know.
pub const QUEUE_COUNT_CAP: i64 = 1_000;

/// Where counting stops, within a queue or not.
pub fn cap_for(queued: bool) -> i64 {
    if queued { QUEUE_COUNT_CAP } else { COUNT_CAP }
}

/// Where counting stops for `filter`.
pub fn count_cap(filter: &LeadFilter) -> i64 {
    cap_for(filter.queue.is_some())
}

/// A lead as the list needs it, before its contact and report are looked up.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
struct PageRow {
    id: i64,
    created_at: i64,
    kind: LeadKind,
    status: LeadStatus,
    score: i32,
    assignee_id: Option<i64>,
    report_id: i64,
    contact_id: i64,
    first_response_at: Option<i64>,
    buyer_replied_at: Option<i64>,
}

impl PageRow {
    fn filtered(
        &self,
        links: &HashMap<i64, bool>,
        follow_ups: &HashMap<i64, i64>,
    ) -> FilteredFields {
        FilteredFields {
            id: self.id,
            first_response_at: self.first_response_at,
            buyer_replied_at: self.buyer_replied_at,
            follow_up_due: follow_ups.get(&self.id).copied(),
            kind: self.kind,
            status: self.status,
            report_id: self.report_id,
            assignee_id: self.assignee_id,
            contact_id: self.contact_id,
            created_at: self.created_at,
            sample: sample_stage(self.kind, links.get(&self.id).copied()),
        }
    }
}

/// One page of the list.
pub struct ListPage {
    pub rows: Vec<LeadListRow>,
    /// Leads matching in all (capped at `COUNT_CAP`); `None` for a search
    /// too broad to count.
    pub total: Option<i64>,
    pub has_next: bool,
    /// How many leads each status tab holds under the other filters; `None`
    /// for a search too broad to count.
    pub counts: Option<Vec<(LeadStatus, i64)>>,
}

fn filtered(
    filter: &LeadFilter,
    scope: StatusScope,
) -> leads::BoxedQuery<'static, crate::db::MultiBackend> {
    filter
        .conditions(scope)
        .into_iter()
        .fold(leads::table.into_boxed(), |query, condition| {
            query.filter(condition)
        })
}

/// How many leads match, or the cap + 1 when more: a probe past the cap
/// first, so a broad filter stops counting there, and the rows are counted in
/// the database rather than carried out one by one.
fn capped_count(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    scope: StatusScope,
) -> QueryResult<i64> {
    let cap = count_cap(filter);
    let past_cap: Vec<i64> = match filter.queue {
        Some(Queue::FollowUpDue { by }) => due_leads(filter, scope, by)
            .select(leads::id)
            .offset(cap)
            .limit(1)
            .load(conn)?,
        _ => filtered(filter, scope)
            .select(leads::id)
            .offset(cap)
            .limit(1)
            .load(conn)?,
    };
    if !past_cap.is_empty() {
        return Ok(cap + 1);
    }
    match filter.queue {
        Some(Queue::FollowUpDue { by }) => due_leads(filter, scope, by).count().get_result(conn),
        _ => filtered(filter, scope).count().get_result(conn),
    }
}

/// How many leads the filter lets through (capped at `count_cap`, then the
/// cap + 1); `None` for a search too broad to count.
pub fn count_matching(conn: &mut DbConnection, filter: &LeadFilter) -> QueryResult<Option<i64>> {
    if matches!(filter.text_match, Some(TextMatch::Many(_))) {
        return Ok(None);
    }
    capped_count(conn, filter, StatusScope::AsFiltered).map(Some)
}

/// The newest `limit` leads the filter lets through, without counting any
/// (My day's sections; a text search is not among their filters).
pub fn newest_rows(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    limit: i64,
) -> QueryResult<Vec<LeadListRow>> {
    let rows = ordered_page(conn, filter, 0, limit)?;
    with_people(conn, rows)
}

/// One page (counted from 0) of the list, with its tab counts.
pub fn list_page(conn: &mut DbConnection, filter: &LeadFilter, page: i64) -> QueryResult<ListPage> {
    let start = page.max(0).saturating_mul(PAGE_SIZE);
    let (page_rows, total, counts) = match &filter.text_match {
        Some(TextMatch::Few(contact_ids)) => {
            // With a search matching few people, those people bound the
            // candidates: their leads are read once through the contact index,
            // for the page and the counts, rather than letting the planner
            // walk a status index across a million rows looking for them.
            let all: Vec<PageRow> = leads::table
                .filter(leads::contact_id.eq_any(contact_ids))
                .select(PageRow::as_select())
                .load(conn)?;
            let ids: Vec<i64> = all.iter().map(|r| r.id).collect();
            let links = link_states(conn, &ids)?;
            let follow_ups = crate::db::models::follow_up::due_times(conn, &ids)?;
            let counts = LeadStatus::ALL.map(|status| {
                let scope = StatusScope::Only(status);
                let n = all
                    .iter()
                    .filter(|r| filter.matches(&r.filtered(&links, &follow_ups), scope))
                    .count();
                (status, n as i64)
            });
            let mut rows: Vec<PageRow> = all
                .into_iter()
                .filter(|row| {
                    filter.matches(&row.filtered(&links, &follow_ups), StatusScope::AsFiltered)
                })
                .collect();
            match filter.sort {
                Sort::Newest => rows.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id))),
                Sort::Oldest => rows.sort_by_key(|r| (r.created_at, r.id)),
                Sort::Score => rows.sort_by_key(|r| std::cmp::Reverse((r.score, r.id))),
                Sort::Waiting => rows.sort_by_key(|r| {
                    let since = match filter.queue {
                        Some(Queue::FollowUpDue { .. }) => follow_ups.get(&r.id).copied(),
                        Some(Queue::BuyerReplied) => r.buyer_replied_at,
                        _ => None,
                    };
                    (since.unwrap_or(r.created_at), r.id)
                }),
            }
            let total = rows.len() as i64;
            let skip = usize::try_from(start).unwrap_or(usize::MAX);
            let rows = rows.into_iter().skip(skip).take(PAGE_SIZE as usize);
            (rows.collect(), Some(total), Some(counts.to_vec()))
        }
        Some(TextMatch::Many(_)) => (
            ordered_page(conn, filter, start, PAGE_SIZE + 1)?,
            None,
            None,
        ),
        None => {
            let total = capped_count(conn, filter, StatusScope::AsFiltered)?;
            // Within a queue the status tabs go uncounted: a status its
            // queue rarely holds would be looked for across the whole
            // queue's index, seven times per page.
            let counts = match filter.queue {
                Some(_) => None,
                None => Some(
                    LeadStatus::ALL
                        .into_iter()
                        .map(|status| {
                            Ok((
                                status,
                                capped_count(conn, filter, StatusScope::Only(status))?,
                            ))
                        })
                        .collect::<QueryResult<_>>()?,
                ),
            };
            (
                ordered_page(conn, filter, start, PAGE_SIZE)?,
                Some(total),
                counts,
            )
        }
    };
    let has_next = match total {
        Some(total) => start + PAGE_SIZE < total.min(count_cap(filter)),
        None => page_rows.len() as i64 > PAGE_SIZE,
    };
    let page_rows = page_rows.into_iter().take(PAGE_SIZE as usize).collect();
    Ok(ListPage {
        rows: with_people(conn, page_rows)?,
        total,
        has_next,
        counts,
    })
}

/// Rows straight from the `leads` indexes, in the list's order. The query
/// reads `leads` alone (a text search is a sub-select of contact ids), so the
/// planner walks an index in the requested order and stops at the page's end
/// instead of joining and sorting a million rows.
fn ordered_page(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    start: i64,
    limit: i64,
) -> QueryResult<Vec<PageRow>> {
    if let (Sort::Waiting, Some(Queue::FollowUpDue { by })) = (filter.sort, filter.queue) {
        // The due-time index gives the order; each lead is looked up by id.
        return due_leads(filter, StatusScope::AsFiltered, by)
            .select(PageRow::as_select())
            .order((follow_ups::due_at.asc(), leads::id.asc()))
            .limit(limit)
            .offset(start)
            .load(conn);
    }
    let query = filtered(filter, StatusScope::AsFiltered).select(PageRow::as_select());
    let query = match (filter.sort, filter.queue) {
        (Sort::Newest, _) => query.order((leads::created_at.desc(), leads::id.desc())),
        (Sort::Score, _) => query.order((leads::score.desc(), leads::id.desc())),
        // Unanswered replies in the order they came (their own index).
        (Sort::Waiting, Some(Queue::BuyerReplied)) => {
            query.order((leads::buyer_replied_at.asc(), leads::id.asc()))
        }
        (Sort::Oldest | Sort::Waiting, _) => {
            query.order((leads::created_at.asc(), leads::id.asc()))
        }
    };
    query.limit(limit).offset(start).load(conn)
}

/// The page's rows with their contacts and report titles, fetched by id.
fn with_people(conn: &mut DbConnection, page_rows: Vec<PageRow>) -> QueryResult<Vec<LeadListRow>> {
    let contact_ids: Vec<i64> = page_rows.iter().map(|r| r.contact_id).collect();
    type Person = (String, String, String, String, String);
    let people: HashMap<i64, Person> = contacts::table
        .filter(contacts::id.eq_any(&contact_ids))
        .select((
            contacts::id,
            (
                contacts::name,
                contacts::company,
                contacts::email_normalized,
                contacts::country,
                contacts::email_domain,
            ),
        ))
        .load::<(i64, Person)>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = page_rows.iter().map(|r| r.id).collect();
    let links = link_states(conn, &ids)?;
    let titles: HashMap<i64, String> = reports::table
        .select((reports::id, reports::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(page_rows
        .into_iter()
        .map(|row| {
            let (name, company, email, country, email_domain) =
                people.get(&row.contact_id).cloned().unwrap_or_default();
            LeadListRow {
                id: row.id,
                created_at: row.created_at,
                kind: row.kind,
                status: row.status,
                score: row.score,
                assignee_id: row.assignee_id,
                report_title: titles.get(&row.report_id).cloned().unwrap_or_default(),
                name,
                company,
                email,
                country,
                contact_id: row.contact_id,
                email_domain,
                sample: sample_stage(row.kind, links.get(&row.id).copied()),
                first_response_at: row.first_response_at,
                buyer_replied_at: row.buyer_replied_at,
            }
        })
        .collect())
}

/// The ids of the newest `limit` leads the filter lets through with an id
/// below `before` (the API's cursor): newest first by id, which only grows,
/// so leads arriving while a client pages sort ahead of its cursor and none
/// is skipped or read twice.
pub fn ids_newest_first(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut query = filtered(filter, StatusScope::AsFiltered);
    if let Some(before) = before {
        query = query.filter(leads::id.lt(before));
    }
    query
        .order(leads::id.desc())
        .select(leads::id)
        .limit(limit)
        .load(conn)
}
