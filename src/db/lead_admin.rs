//! Leads as the sales desk sees them: filtered lists, one lead in full, and the
//! changes staff make. Every change writes a lead event with its actor.

use std::collections::HashMap;

use diesel::prelude::*;

use super::outbox::{NewMail, insert_mails};
use super::schema::{contacts, lead_events, leads, outbox, reports, users};
use super::{DbConnection, write_transaction};
use crate::domain::lead_status::LeadStatus;

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
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub sort: Sort,
}

diesel::define_sql_function! {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The leads ⋈ contacts ⋈ reports query with every filter but status applied.
macro_rules! filtered_leads {
    ($filter:expr) => {{
        let filter: &LeadFilter = $filter;
        let mut query = leads::table
            .inner_join(contacts::table)
            .inner_join(reports::table)
            .into_boxed();
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
        if let Some(text) = &filter.text {
            let pattern = format!("%{}%", escape_like(text));
            query = query.filter(
                lower(contacts::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(contacts::email_normalized
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(lower(contacts::company).like(pattern).escape('\\')),
            );
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

fn escape_like(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}

#[derive(Debug, Clone, Queryable)]
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
}

pub const PAGE_SIZE: i64 = 50;

/// One page of the list and the number of leads matching in all.
pub fn list_page(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    page: i64,
) -> QueryResult<(Vec<LeadListRow>, i64)> {
    let total: i64 = with_status!(filtered_leads!(filter), filter.status)
        .count()
        .get_result(conn)?;
    let mut query = with_status!(filtered_leads!(filter), filter.status).select((
        leads::id,
        leads::created_at,
        leads::kind,
        leads::status,
        leads::score,
        leads::assignee_id,
        reports::title,
        contacts::name,
        contacts::company,
        contacts::email_normalized,
        contacts::country,
    ));
    query = match filter.sort {
        Sort::Newest => query.order((leads::created_at.desc(), leads::id.desc())),
        Sort::Oldest => query.order((leads::created_at.asc(), leads::id.asc())),
        Sort::Score => query.order((leads::score.desc(), leads::id.desc())),
    };
    let rows = query
        .limit(PAGE_SIZE)
        .offset(page.max(0).saturating_mul(PAGE_SIZE))
        .load(conn)?;
    Ok((rows, total))
}

/// How many leads each status tab holds, under the other filters.
pub fn status_counts(
    conn: &mut DbConnection,
    filter: &LeadFilter,
) -> QueryResult<Vec<(LeadStatus, i64)>> {
    LeadStatus::ALL
        .into_iter()
        .map(|status| {
            filtered_leads!(filter)
                .filter(leads::status.eq(status.as_db()))
                .count()
                .get_result(conn)
                .map(|n| (status, n))
        })
        .collect()
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
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: i64,
    pub created_at: i64,
    pub kind: String,
    pub status: String,
    pub score: i32,
    pub report_slug: String,
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

pub fn export_chunk(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let mut query = with_status!(filtered_leads!(filter), filter.status);
    if let Some(before) = before_id {
        query = query.filter(leads::id.lt(before));
    }
    query
        .select((
            leads::id,
            leads::created_at,
            leads::kind,
            leads::status,
            leads::score,
            reports::slug,
            contacts::name,
            contacts::email_normalized,
            contacts::company,
            contacts::job_title,
            contacts::phone,
            contacts::country,
            leads::message,
            leads::licence,
            leads::budget,
            leads::assignee_id,
            leads::marketing_opt_in,
            leads::utm_source,
            leads::utm_medium,
            leads::utm_campaign,
            leads::referrer,
            leads::first_response_at,
        ))
        .order(leads::id.desc())
        .limit(limit)
        .load(conn)
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

pub struct LeadDetail {
    pub lead: LeadRecordRow,
    pub contact: ContactRow,
    pub report_title: String,
    pub report_slug: String,
    pub other_leads: Vec<(i64, String, String, i64, String)>,
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
    let contact = contacts::table
        .find(lead.contact_id)
        .select(ContactRow::as_select())
        .first(conn)?;
    let (report_title, report_slug) = reports::table
        .find(lead.report_id)
        .select((reports::title, reports::slug))
        .first(conn)?;
    let other_leads = leads::table
        .inner_join(reports::table)
        .filter(leads::contact_id.eq(lead.contact_id))
        .filter(leads::id.ne(id))
        .order(leads::created_at.desc())
        .select((
            leads::id,
            leads::kind,
            leads::status,
            leads::created_at,
            reports::title,
        ))
        .load(conn)?;
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

/// Releases a lead held as spam: it becomes `new` and its notifications are
/// queued, in one transaction.
pub fn release(
    conn: &mut DbConnection,
    id: i64,
    actor: i64,
    now: i64,
    mails: &dyn Fn(&LeadDetail) -> anyhow::Result<Vec<NewMail>>,
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
        insert_mails(conn, &mails(&detail)?, now)?;
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
