//! The CSV export's rows: the list's filter, read in keyset chunks, each one
//! joined read of leads and their contacts.

use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;

use super::lead_filter::{LeadFilter, Sort, StatusScope};
use crate::db::DbConnection;
use crate::db::models::lead::{Details, Submitted};
use crate::db::schema::{contacts, leads};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::licence::Licence;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct ExportedLead {
    pub id: i64,
    pub created_at: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub score: i32,
    pub report_id: i64,
    pub message: Option<String>,
    pub licence: Option<Licence>,
    pub budget: Option<String>,
    pub assignee_id: Option<i64>,
    pub marketing_opt_in: bool,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: Option<String>,
    pub first_response_at: Option<i64>,
    pub consent_text_version: String,
    pub consent_at: i64,
    #[diesel(embed)]
    pub submitted: Submitted,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ExportedContact {
    pub name: String,
    pub email_normalized: String,
    pub company: String,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub country: String,
}

impl ExportedContact {
    pub fn details(&self) -> Details<'_> {
        let c = self;
        Details::from_columns(&c.name, &c.company, &c.job_title, &c.phone, &c.country)
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub lead: ExportedLead,
    pub contact: ExportedContact,
}

/// What one chunk read: how many rows, and where it stopped (the next
/// chunk's keyset bound).
pub struct ChunkRead {
    pub rows: i64,
    pub last: Option<ExportCursor>,
}

/// The last row a chunk read, in the list's sort: the next chunk starts after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportCursor {
    pub score: i32,
    pub id: i64,
}

/// Hands `each` up to `limit` rows after `after` (keyset) in the list's
/// sort, one at a time as SQLite steps them.
pub fn export_chunk<E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    filter: &LeadFilter,
    after: Option<ExportCursor>,
    limit: i64,
    mut each: impl FnMut(ExportRow) -> Result<(), E>,
) -> Result<ChunkRead, E> {
    let mut query = filter.conditions(StatusScope::AsFiltered).into_iter().fold(
        leads::table.inner_join(contacts::table).into_boxed(),
        |query, condition| query.filter(condition),
    );
    // The list's sort, as a keyset: ids follow arrival, so newest and oldest
    // are the id order (the primary key); score is score, then id.
    query = match (filter.sort, after) {
        (Sort::Newest, Some(c)) => query.filter(leads::id.lt(c.id)),
        // Waiting longest is the arrival order here too.
        (Sort::Oldest | Sort::Waiting, Some(c)) => query.filter(leads::id.gt(c.id)),
        (Sort::Score, Some(c)) => query.filter(
            leads::score
                .lt(c.score)
                .or(leads::score.eq(c.score).and(leads::id.lt(c.id))),
        ),
        (_, None) => query,
    };
    query = match filter.sort {
        Sort::Newest => query.order(leads::id.desc()),
        Sort::Oldest | Sort::Waiting => query.order(leads::id.asc()),
        Sort::Score => query.order((leads::score.desc(), leads::id.desc())),
    };
    let query = query
        .select((
            (
                leads::id,
                leads::created_at,
                leads::kind,
                leads::status,
                leads::score,
                leads::report_id,
                leads::message,
                leads::licence,
                leads::budget,
                leads::assignee_id,
                leads::marketing_opt_in,
                leads::utm_source,
                leads::utm_medium,
                leads::utm_campaign,
                leads::referrer,
                leads::landing_path,
                leads::first_response_at,
                leads::consent_text_version,
                leads::consent_at,
                (
                    leads::name,
                    leads::company,
                    leads::job_title,
                    leads::phone,
                    leads::country,
                ),
            ),
            (
                contacts::name,
                contacts::email_normalized,
                contacts::company,
                contacts::job_title,
                contacts::phone,
                contacts::country,
            ),
        ))
        .limit(limit);
    let mut read = ChunkRead {
        rows: 0,
        last: None,
    };
    for row in query.load_iter::<ExportRow, DefaultLoadingMode>(conn)? {
        let row = row?;
        read.rows += 1;
        read.last = Some(ExportCursor {
            score: row.lead.score,
            id: row.lead.id,
        });
        each(row)?;
    }
    Ok(read)
}
