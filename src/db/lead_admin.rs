//! Leads as the sales desk sees them: filtered lists, one lead in full, and the
//! changes staff make. Every change writes a lead event with its actor.

use std::collections::HashMap;

use diesel::prelude::*;

use super::assignment::{AssignedOwner, assign_new_lead};
use super::contact_search::ContactSearch;
use super::outbox::{NewMail, insert_mails};
use super::schema::{contacts, lead_events, leads, outbox, reports, users};
use super::{DbConnection, write_transaction};
use crate::domain::lead_status::LeadStatus;
use crate::domain::scoring::is_free_mail_domain;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Score,
}

impl Sort {
    pub fn parse(value: &str) -> Self {
        match value {
            "oldest" => Self::Oldest,
            "score" => Self::Score,
            _ => Self::Newest,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Score => "score",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    Unassigned,
    User(i64),
}

/// The list's filters; `None` means "any". Without a status, spam is left out:
/// it has its own tab.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub status: Option<LeadStatus>,
    pub kind: Option<&'static str>,
    pub report_id: Option<i64>,
    pub owner: Option<OwnerFilter>,
    /// Lower-cased text to find in name, email or company.
    pub text: Option<String>,
    /// The people `text` matches, once looked up (see `resolve_text`).
    pub text_match: Option<TextMatch>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub sort: Sort,
}

/// The leads query with every filter but status applied. It reads `leads`
/// alone (text search is a sub-select of contact ids), so the planner walks a
/// `leads` index in the requested order and stops at the page's end instead of
/// joining and sorting a million rows; the page's contacts and reports are
/// fetched afterwards by id.
macro_rules! filtered_leads {
    ($filter:expr) => {
        filtered_leads!($filter, leads::table)
    };
    ($filter:expr, $source:expr) => {{
        let filter: &LeadFilter = $filter;
        let mut query = $source.into_boxed();
        if let Some(kind) = filter.kind {
            query = query.filter(leads::kind.eq(kind));
        }
        if let Some(report_id) = filter.report_id {
            query = query.filter(leads::report_id.eq(report_id));
        }
        match filter.owner {
            Some(OwnerFilter::Unassigned) => query = query.filter(leads::assignee_id.is_null()),
            Some(OwnerFilter::User(id)) => query = query.filter(leads::assignee_id.eq(id)),
            None => {}
        }
        if let Some(from) = filter.from {
            query = query.filter(leads::created_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(leads::created_at.lt(to));
        }
        match &filter.text_match {
            Some(TextMatch::Few(ids)) => {
                query = query.filter(leads::contact_id.eq_any(ids.clone()))
            }
            Some(TextMatch::Many(search)) => query = query.filter(search.matches_lead_contact()),
            None => debug_assert!(filter.text.is_none(), "resolve_text first"),
        }
        query
    }};
}

macro_rules! with_status {
    ($query:expr, $status:expr) => {{
        match $status {
            Some(status) => $query.filter(leads::status.eq(status.as_db())),
            None => $query.filter(leads::status.ne(LeadStatus::Spam.as_db())),
        }
    }};
}

/// How many leads `query` matches, or `COUNT_CAP + 1` when more: a probe past
/// the cap first, so a broad filter stops counting there, and the rows are
/// counted in the database rather than carried out one by one.
macro_rules! capped_count {
    ($conn:expr, $query:expr) => {{
        let past_cap: Vec<i64> = $query
            .select(leads::id)
            .offset(COUNT_CAP)
            .limit(1)
            .load($conn)?;
        if past_cap.is_empty() {
            $query.count().get_result::<i64>($conn)?
        } else {
            COUNT_CAP + 1
        }
    }};
}

/// Up to this many matching people, a search reads their leads through the
/// contact index and counts them exactly; beyond, it is too broad to count
/// cheaply and the list shows the newest matching leads instead.
pub const FEW_PEOPLE: i64 = 2_000;

/// The people a text search matches.
#[derive(Debug, Clone)]
pub enum TextMatch {
    Few(Vec<i64>),
    Many(ContactSearch),
}

/// Looks up the people a text search matches, through the search index, once
/// for the page and its counts.
pub fn resolve_text(conn: &mut DbConnection, filter: &mut LeadFilter) -> QueryResult<()> {
    let Some(text) = &filter.text else {
        return Ok(());
    };
    let search = ContactSearch::new(conn, text);
    let ids = search.first_ids(conn, FEW_PEOPLE + 1)?;
    filter.text_match = Some(if ids.len() as i64 > FEW_PEOPLE {
        TextMatch::Many(search)
    } else {
        TextMatch::Few(ids)
    });
    Ok(())
}

#[derive(Debug, Clone)]
pub struct LeadListRow {
    pub id: i64,
    pub created_at: i64,
    pub kind: String,
    pub status: String,
    pub score: i32,
    pub assignee_id: Option<i64>,
    pub report_title: String,
    pub name: String,
    pub company: String,
    pub email: String,
    pub country: String,
    pub contact_id: i64,
    pub email_domain: String,
}

pub const PAGE_SIZE: i64 = 50;

/// Counts stop here. Counting every match of a broad filter over a million
/// leads costs far more than showing the page; past the cap the desk shows
/// "10,000+" and the filters narrow it down.
pub const COUNT_CAP: i64 = 10_000;

/// A lead as the list needs it, before its contact and report are looked up.
type PageRow = (i64, i64, String, String, i32, Option<i64>, i64, i64);

/// The columns a `PageRow` is read from.
macro_rules! page_columns {
    () => {
        (
            leads::id,
            leads::created_at,
            leads::kind,
            leads::status,
            leads::score,
            leads::assignee_id,
            leads::report_id,
            leads::contact_id,
        )
    };
}

/// With a text search matching few people, those people bound the candidates
/// to their few leads: those are read through the
/// contact index and filtered here, rather than letting the planner walk a
/// status index across a million rows looking for them.
fn searched_leads(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    contact_ids: &[i64],
) -> QueryResult<Vec<PageRow>> {
    let rows: Vec<PageRow> = leads::table
        .filter(leads::contact_id.eq_any(contact_ids))
        .select(page_columns!())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, created_at, kind, _, _, assignee, report_id, _)| {
            filter.kind.is_none_or(|k| k == kind)
                && filter.report_id.is_none_or(|r| r == *report_id)
                && match filter.owner {
                    Some(OwnerFilter::Unassigned) => assignee.is_none(),
                    Some(OwnerFilter::User(id)) => *assignee == Some(id),
                    None => true,
                }
                && filter.from.is_none_or(|from| *created_at >= from)
                && filter.to.is_none_or(|to| *created_at < to)
        })
        .collect())
}

fn status_matches(filter: &LeadFilter, status: &str) -> bool {
    match filter.status {
        Some(wanted) => status == wanted.as_db(),
        None => status != LeadStatus::Spam.as_db(),
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

/// One page (counted from 0) of the list, with its tab counts.
pub fn list_page(conn: &mut DbConnection, filter: &LeadFilter, page: i64) -> QueryResult<ListPage> {
    let start = page.max(0).saturating_mul(PAGE_SIZE);
    let (page_rows, total, counts) = match &filter.text_match {
        Some(TextMatch::Few(contact_ids)) => {
            // The people's leads are read once, for the page and the counts.
            let all = searched_leads(conn, filter, contact_ids)?;
            let counts = LeadStatus::ALL.map(|status| {
                let n = all.iter().filter(|r| r.3 == status.as_db()).count();
                (status, n as i64)
            });
            let mut rows: Vec<PageRow> = all
                .into_iter()
                .filter(|row| status_matches(filter, &row.3))
                .collect();
            match filter.sort {
                Sort::Newest => rows.sort_by_key(|r| std::cmp::Reverse((r.1, r.0))),
                Sort::Oldest => rows.sort_by_key(|r| (r.1, r.0)),
                Sort::Score => rows.sort_by_key(|r| std::cmp::Reverse((r.4, r.0))),
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
            let total = capped_count!(conn, with_status!(filtered_leads!(filter), filter.status));
            let counts = LeadStatus::ALL
                .into_iter()
                .map(|status| Ok((status, status_count(conn, filter, status)?)))
                .collect::<QueryResult<_>>()?;
            (
                ordered_page(conn, filter, start, PAGE_SIZE)?,
                Some(total),
                Some(counts),
            )
        }
    };
    let has_next = match total {
        Some(total) => start + PAGE_SIZE < total.min(COUNT_CAP),
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

/// Rows straight from the `leads` indexes, in the list's order.
fn ordered_page(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    start: i64,
    limit: i64,
) -> QueryResult<Vec<PageRow>> {
    let mut query = with_status!(filtered_leads!(filter), filter.status).select(page_columns!());
    query = match filter.sort {
        Sort::Newest => query.order((leads::created_at.desc(), leads::id.desc())),
        Sort::Oldest => query.order((leads::created_at.asc(), leads::id.asc())),
        Sort::Score => query.order((leads::score.desc(), leads::id.desc())),
    };
    query.limit(limit).offset(start).load(conn)
}

/// The page's rows with their contacts and report titles.
fn with_people(conn: &mut DbConnection, page_rows: Vec<PageRow>) -> QueryResult<Vec<LeadListRow>> {
    let contact_ids: Vec<i64> = page_rows.iter().map(|r| r.7).collect();
    let people: HashMap<i64, (String, String, String, String, String)> = contacts::table
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
        .load::<(i64, (String, String, String, String, String))>(conn)?
        .into_iter()
        .collect();
    let titles: HashMap<i64, String> = reports::table
        .select((reports::id, reports::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let rows = page_rows
        .into_iter()
        .map(
            |(id, created_at, kind, status, score, assignee_id, report_id, contact_id)| {
                let (name, company, email, country, email_domain) =
                    people.get(&contact_id).cloned().unwrap_or_default();
                LeadListRow {
                    id,
                    created_at,
                    kind,
                    status,
                    score,
                    assignee_id,
                    report_title: titles.get(&report_id).cloned().unwrap_or_default(),
                    name,
                    company,
                    email,
                    country,
                    contact_id,
                    email_domain,
                }
            },
        )
        .collect();
    Ok(rows)
}

fn status_count(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    status: LeadStatus,
) -> QueryResult<i64> {
    Ok(capped_count!(
        conn,
        filtered_leads!(filter).filter(leads::status.eq(status.as_db()))
    ))
}

/// The state of each lead's mail: `sent` when all went, `dead` when any gave
/// up, `pending` while any waits; absent when the lead has no mail.
pub fn delivery_states(
    conn: &mut DbConnection,
    lead_ids: &[i64],
) -> QueryResult<HashMap<i64, &'static str>> {
    let rows: Vec<(Option<i64>, String)> = outbox::table
        .filter(outbox::lead_id.eq_any(lead_ids))
        .select((outbox::lead_id, outbox::status))
        .load(conn)?;
    let mut states: HashMap<i64, &'static str> = HashMap::new();
    for (lead_id, status) in rows {
        let Some(lead_id) = lead_id else { continue };
        let rank = |s: &str| match s {
            "dead" => 3,
            "pending" => 2,
            _ => 1,
        };
        let this: &'static str = match status.as_str() {
            "dead" => "dead",
            "pending" => "pending",
            _ => "sent",
        };
        let entry = states.entry(lead_id).or_insert(this);
        if rank(this) > rank(entry) {
            *entry = this;
        }
    }
    Ok(states)
}

/// Rows for the CSV export, `after` a lead id (keyset), newest first, so the
/// export can stream in bounded chunks.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub id: i64,
    pub created_at: i64,
    pub kind: String,
    pub status: String,
    pub score: i32,
    pub report_id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub country: String,
    pub message: Option<String>,
    pub licence: Option<String>,
    pub budget: Option<String>,
    pub assignee_id: Option<i64>,
    pub marketing_opt_in: bool,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub first_response_at: Option<i64>,
}

/// One chunk of the export: leads and their contacts in one joined read, so
/// a row costs one decode and no copies.
pub fn export_chunk(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let mut query = with_status!(
        filtered_leads!(filter, leads::table.inner_join(contacts::table)),
        filter.status
    );
    if let Some(before) = before_id {
        query = query.filter(leads::id.lt(before));
    }
    type Row = (
        (i64, i64, String, String, i32, i64),
        (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
        ),
        (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            bool,
        ),
        (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        ),
    );
    let rows: Vec<Row> = query
        .select((
            (
                leads::id,
                leads::created_at,
                leads::kind,
                leads::status,
                leads::score,
                leads::report_id,
            ),
            (
                contacts::name,
                contacts::email_normalized,
                contacts::company,
                contacts::job_title,
                contacts::phone,
                contacts::country,
            ),
            (
                leads::message,
                leads::licence,
                leads::budget,
                leads::assignee_id,
                leads::marketing_opt_in,
            ),
            (
                leads::utm_source,
                leads::utm_medium,
                leads::utm_campaign,
                leads::referrer,
                leads::first_response_at,
            ),
        ))
        .order(leads::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                (id, created_at, kind, status, score, report_id),
                (name, email, company, job_title, phone, country),
                (message, licence, budget, assignee_id, marketing_opt_in),
                (utm_source, utm_medium, utm_campaign, referrer, first_response_at),
            )| ExportRow {
                id,
                created_at,
                kind,
                status,
                score,
                report_id,
                name,
                email,
                company,
                job_title,
                phone,
                country,
                message,
                licence,
                budget,
                assignee_id,
                marketing_opt_in,
                utm_source,
                utm_medium,
                utm_campaign,
                referrer,
                first_response_at,
            },
        )
        .collect())
}

/// Names of users by id, for owner and actor columns.
pub fn user_names(conn: &mut DbConnection) -> QueryResult<HashMap<i64, String>> {
    Ok(users::table
        .select((users::id, users::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct LeadRecordRow {
    pub id: i64,
    pub contact_id: i64,
    pub report_id: i64,
    pub kind: String,
    pub status: String,
    pub message: Option<String>,
    pub licence: Option<String>,
    pub budget: Option<String>,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub assignee_id: Option<i64>,
    pub consent_text_version: String,
    pub consent_at: i64,
    pub marketing_opt_in: bool,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub email_normalized: String,
    pub name: String,
    pub company: String,
    pub phone: Option<String>,
    pub country: String,
    pub job_title: Option<String>,
    pub created_at: i64,
    pub erased_at: Option<i64>,
    pub email_domain: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
    pub actor_name: Option<String>,
}

#[derive(Debug, Clone, Queryable)]
pub struct MailRow {
    pub id: i64,
    pub kind: String,
    pub to_addr: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// (id, kind, status, created_at, report title)
pub type LeadSummary = (i64, String, String, i64, String);

pub struct LeadDetail {
    pub lead: LeadRecordRow,
    pub contact: ContactRow,
    pub report_title: String,
    pub report_slug: String,
    pub other_leads: Vec<LeadSummary>,
    pub events: Vec<EventRow>,
    pub mails: Vec<MailRow>,
}

pub fn detail(conn: &mut DbConnection, id: i64) -> QueryResult<Option<LeadDetail>> {
    let Some(lead) = leads::table
        .find(id)
        .select(LeadRecordRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let contact =
        ContactRow::find(conn, lead.contact_id)?.ok_or(diesel::result::Error::NotFound)?;
    let (report_title, report_slug) = reports::table
        .find(lead.report_id)
        .select((reports::title, reports::slug))
        .first(conn)?;
    let mut other_leads = contact_leads(conn, lead.contact_id)?;
    other_leads.retain(|(other, ..)| *other != id);
    let events = lead_events::table
        .left_join(users::table)
        .filter(lead_events::lead_id.eq(id))
        .order((lead_events::created_at.asc(), lead_events::id.asc()))
        .select((
            lead_events::id,
            lead_events::kind,
            lead_events::detail,
            lead_events::created_at,
            users::name.nullable(),
        ))
        .load(conn)?;
    let mails = outbox::table
        .filter(outbox::lead_id.eq(id))
        .order(outbox::id)
        .select((
            outbox::id,
            outbox::kind,
            outbox::to_addr,
            outbox::status,
            outbox::attempts,
            outbox::last_error,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)?;
    Ok(Some(LeadDetail {
        lead,
        contact,
        report_title,
        report_slug,
        other_leads,
        events,
        mails,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum LeadChangeError {
    #[error("no such lead")]
    NotFound,
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn event(
    conn: &mut DbConnection,
    lead_id: i64,
    actor: i64,
    kind: &str,
    detail: String,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(lead_events::table)
        .values((
            lead_events::lead_id.eq(lead_id),
            lead_events::actor_user_id.eq(actor),
            lead_events::kind.eq(kind),
            lead_events::detail.eq(detail),
            lead_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn current_status(
    conn: &mut DbConnection,
    id: i64,
) -> Result<(String, Option<i64>), LeadChangeError> {
    leads::table
        .find(id)
        .select((leads::status, leads::first_response_at))
        .first(conn)
        .optional()?
        .ok_or(LeadChangeError::NotFound)
}

/// Moves a lead to another status. `lost` needs a reason; the first move out
/// of `new` starts the first-response record. Spam leaves only by `release`.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: LeadStatus,
    reason: Option<&str>,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    if status == LeadStatus::Lost && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(LeadChangeError::Refused(
            "Give a reason when marking a lead as lost",
        ));
    }
    write_transaction(conn, |conn| {
        let (old, first_response_at) = current_status(conn, id)?;
        if old == status.as_db() {
            return Ok(());
        }
        if old == LeadStatus::Spam.as_db() {
            return Err(LeadChangeError::Refused(
                "Release a spam lead before changing its status",
            ));
        }
        let first_response = if old == LeadStatus::New.as_db() && first_response_at.is_none() {
            Some(now)
        } else {
            first_response_at
        };
        diesel::update(leads::table.find(id))
            .set((
                leads::status.eq(status.as_db()),
                leads::updated_at.eq(now),
                leads::first_response_at.eq(first_response),
            ))
            .execute(conn)?;
        let detail = serde_json::json!({ "from": old, "to": status.as_db(), "reason": reason.map(str::trim) });
        event(conn, id, actor, "status_changed", detail.to_string(), now)?;
        Ok(())
    })
}

/// Gives a lead to a user (or to nobody).
pub fn assign(
    conn: &mut DbConnection,
    id: i64,
    owner: Option<i64>,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let old: Option<i64> = leads::table
            .find(id)
            .select(leads::assignee_id)
            .first(conn)
            .optional()?
            .ok_or(LeadChangeError::NotFound)?;
        if old == owner {
            return Ok(());
        }
        if let Some(user_id) = owner {
            let active: Option<bool> = users::table
                .find(user_id)
                .select(users::active)
                .first(conn)
                .optional()?;
            if active != Some(true) {
                return Err(LeadChangeError::Refused(
                    "Choose an active user as the owner",
                ));
            }
        }
        diesel::update(leads::table.find(id))
            .set((leads::assignee_id.eq(owner), leads::updated_at.eq(now)))
            .execute(conn)?;
        event(
            conn,
            id,
            actor,
            "assigned",
            serde_json::json!({ "from": old, "to": owner }).to_string(),
            now,
        )?;
        Ok(())
    })
}

pub fn add_note(
    conn: &mut DbConnection,
    id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        current_status(conn, id)?;
        event(conn, id, actor, "note", text.to_owned(), now)?;
        Ok(())
    })
}

/// The notifications of a released lead, given the lead and its new owner.
pub type MailsForRelease<'a> =
    dyn Fn(&LeadDetail, Option<&AssignedOwner>) -> anyhow::Result<Vec<NewMail>> + 'a;

/// Releases a lead held as spam: it becomes `new` and its notifications are
/// queued, in one transaction.
pub fn release(
    conn: &mut DbConnection,
    id: i64,
    actor: i64,
    now: i64,
    mails: &MailsForRelease<'_>,
) -> Result<(), LeadChangeError> {
    write_transaction(conn, |conn| {
        let detail = detail(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        if detail.lead.status != LeadStatus::Spam.as_db() {
            return Err(LeadChangeError::Refused(
                "Only a lead held as spam can be released",
            ));
        }
        diesel::update(leads::table.find(id))
            .set((
                leads::status.eq(LeadStatus::New.as_db()),
                leads::updated_at.eq(now),
            ))
            .execute(conn)?;
        let reason = detail.lead.spam_reason.clone();
        event(
            conn,
            id,
            actor,
            "released",
            serde_json::json!({ "spam_reason": reason }).to_string(),
            now,
        )?;
        let owner = match detail.lead.assignee_id {
            Some(_) => None,
            None => assign_new_lead(conn, id, &detail.contact.country, now)?,
        };
        insert_mails(conn, &mails(&detail, owner.as_ref())?, now)?;
        Ok(())
    })
}

/// Leads created in a period, by kind (spam left out) and by status.
pub struct PeriodCounts {
    pub by_kind: Vec<(String, i64)>,
    pub by_status: Vec<(String, i64)>,
}

/// Counts for the dashboard: leads created since `since`.
pub fn counts_since(conn: &mut DbConnection, since: i64) -> QueryResult<PeriodCounts> {
    let by_kind = ["sample_request", "inquiry", "discount"]
        .into_iter()
        .map(|kind| {
            leads::table
                .filter(leads::created_at.ge(since))
                .filter(leads::kind.eq(kind))
                .filter(leads::status.ne(LeadStatus::Spam.as_db()))
                .count()
                .get_result(conn)
                .map(|n| (kind.to_owned(), n))
        })
        .collect::<QueryResult<_>>()?;
    let by_status = LeadStatus::ALL
        .into_iter()
        .map(|status| {
            leads::table
                .filter(leads::created_at.ge(since))
                .filter(leads::status.eq(status.as_db()))
                .count()
                .get_result(conn)
                .map(|n| (status.as_db().to_owned(), n))
        })
        .collect::<QueryResult<_>>()?;
    Ok(PeriodCounts { by_kind, by_status })
}

/// How often a contact, and its company, have asked before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatInterest {
    /// 1 for the contact's first request, 2 for the second…
    pub ordinal: usize,
    /// Other (not erased) contacts with the same company email domain; 0 for
    /// free-mail domains, which say nothing about the company.
    pub same_domain_contacts: i64,
    pub domain: String,
}

/// Repeat interest for (lead id, contact id, email domain) triples.
pub fn repeat_interest(
    conn: &mut DbConnection,
    wanted: &[(i64, i64, String)],
) -> QueryResult<HashMap<i64, RepeatInterest>> {
    let contact_ids: Vec<i64> = wanted.iter().map(|(_, c, _)| *c).collect();
    let history: Vec<(i64, i64)> = leads::table
        .filter(leads::contact_id.eq_any(&contact_ids))
        .order((leads::created_at.asc(), leads::id.asc()))
        .select((leads::contact_id, leads::id))
        .load(conn)?;
    let mut domain_counts: HashMap<String, i64> = HashMap::new();
    for (_, _, domain) in wanted {
        if domain.is_empty() || is_free_mail_domain(domain) || domain_counts.contains_key(domain) {
            continue;
        }
        let count: i64 = contacts::table
            .filter(contacts::email_domain.eq(domain))
            .filter(contacts::erased_at.is_null())
            .count()
            .get_result(conn)?;
        domain_counts.insert(domain.clone(), count);
    }
    Ok(wanted
        .iter()
        .map(|(lead_id, contact_id, domain)| {
            let ordinal = history
                .iter()
                .filter(|(c, _)| c == contact_id)
                .position(|(_, id)| id == lead_id)
                .map_or(1, |p| p + 1);
            let same_domain_contacts = domain_counts.get(domain).map_or(0, |n| (n - 1).max(0));
            (
                *lead_id,
                RepeatInterest {
                    ordinal,
                    same_domain_contacts,
                    domain: domain.clone(),
                },
            )
        })
        .collect())
}

impl RepeatInterest {
    /// "3rd request from this contact", "2 other contacts from acme.com".
    pub fn describe(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.ordinal > 1 {
            notes.push(format!(
                "{} request from this contact",
                ordinal_word(self.ordinal)
            ));
        }
        match self.same_domain_contacts {
            0 => {}
            1 => notes.push(format!("1 other contact from {}", self.domain)),
            n => notes.push(format!("{n} other contacts from {}", self.domain)),
        }
        notes
    }
}

fn ordinal_word(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_english() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101]
            .into_iter()
            .map(ordinal_word)
            .collect();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
    }

    #[test]
    fn repeat_interest_is_described_only_when_there_is_some() {
        let none = RepeatInterest {
            ordinal: 1,
            same_domain_contacts: 0,
            domain: "gmail.com".into(),
        };
        assert!(none.describe().is_empty());
        let some = RepeatInterest {
            ordinal: 3,
            same_domain_contacts: 2,
            domain: "acme.com".into(),
        };
        assert_eq!(
            some.describe(),
            [
                "3rd request from this contact",
                "2 other contacts from acme.com"
            ]
        );
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub lead_id: i64,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
    pub actor_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<i64>,
    pub kind: Option<String>,
    pub lead: Option<i64>,
}

pub const AUDIT_PAGE_SIZE: i64 = 100;

/// Staff actions (events with an actor), newest first.
pub fn audit_page(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    page: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = lead_events::table
        .inner_join(users::table)
        .select((
            lead_events::id,
            lead_events::lead_id,
            lead_events::kind,
            lead_events::detail,
            lead_events::created_at,
            users::name,
        ))
        .into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(lead_events::actor_user_id.eq(actor));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(lead_events::kind.eq(kind.clone()));
    }
    if let Some(lead) = filter.lead {
        query = query.filter(lead_events::lead_id.eq(lead));
    }
    query
        .order((lead_events::created_at.desc(), lead_events::id.desc()))
        .limit(AUDIT_PAGE_SIZE)
        .offset(page.max(0).saturating_mul(AUDIT_PAGE_SIZE))
        .load(conn)
}

impl ContactRow {
    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        contacts::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }
}

/// A contact's leads, newest first.
fn contact_leads(conn: &mut DbConnection, contact_id: i64) -> QueryResult<Vec<LeadSummary>> {
    leads::table
        .inner_join(reports::table)
        .filter(leads::contact_id.eq(contact_id))
        .order(leads::created_at.desc())
        .select((
            leads::id,
            leads::kind,
            leads::status,
            leads::created_at,
            reports::title,
        ))
        .load(conn)
}

/// A contact and its leads.
pub fn contact_with_leads(
    conn: &mut DbConnection,
    contact_id: i64,
) -> QueryResult<Option<(ContactRow, Vec<LeadSummary>)>> {
    match ContactRow::find(conn, contact_id)? {
        Some(contact) => Ok(Some((contact, contact_leads(conn, contact_id)?))),
        None => Ok(None),
    }
}
