//! `/admin/leads/export.csv`: the list's filters, streamed in keyset chunks so
//! memory stays flat however many leads match.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use tokio::sync::mpsc;

use std::borrow::Cow;
use std::collections::HashMap;

use super::filters::FilterValues;
use crate::db::models::audit_entry::AuditEntry;
use crate::db::models::lead::Details;
use crate::db::models::report::ReportRow;
use crate::db::models::user::User;
use crate::db::now_unix;
use crate::db::queries::lead_export::{ExportRow, export_chunk};
use crate::db::queries::lead_filter::LeadFilter;
use crate::domain::audit_action::AuditAction;
use crate::format::iso_time;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::Staff;

/// Rows read per query: large enough that per-query costs vanish, small
/// enough that a chunk is a megabyte or two.
const CHUNK_ROWS: i64 = 4000;

/// A spreadsheet runs a cell that starts with `= + - @` (or a tab or carriage
/// return) as a formula; a leading apostrophe makes it text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One row as the columns see it: the lead read, and the names its ids
/// stand for.
struct Line<'a> {
    row: &'a ExportRow,
    sent: Details<'a>,
    report: &'a str,
    owner: &'a str,
}

type CellOf = for<'a> fn(&Line<'a>) -> Cow<'a, str>;

fn text(value: &Option<String>) -> Cow<'_, str> {
    Cow::Borrowed(value.as_deref().unwrap_or_default())
}

/// The export's columns, in order: the header and every cell come from here.
/// Text cells borrow from the row read (a million rows should not cost twenty
/// copied strings each).
const COLUMNS: [(&str, CellOf); 25] = [
    ("id", |l| l.row.lead.id.to_string().into()),
    ("created_at", |l| iso_time(l.row.lead.created_at).into()),
    ("kind", |l| l.row.lead.kind.as_db().into()),
    ("status", |l| l.row.lead.status.as_db().into()),
    ("score", |l| l.row.lead.score.to_string().into()),
    ("report", |l| l.report.into()),
    ("name", |l| l.sent.name.into()),
    ("email", |l| l.row.contact.email_normalized.as_str().into()),
    ("company", |l| l.sent.company.into()),
    ("job_title", |l| l.sent.job_title.unwrap_or_default().into()),
    ("phone", |l| l.sent.phone.unwrap_or_default().into()),
    ("country", |l| l.sent.country.into()),
    ("message", |l| text(&l.row.lead.message)),
    ("licence", |l| {
        l.row.lead.licence.map_or("", |x| x.as_db()).into()
    }),
    ("budget", |l| text(&l.row.lead.budget)),
    ("owner", |l| l.owner.into()),
    ("marketing_opt_in", |l| {
        if l.row.lead.marketing_opt_in {
            "true"
        } else {
            "false"
        }
        .into()
    }),
    ("utm_source", |l| text(&l.row.lead.utm_source)),
    ("utm_medium", |l| text(&l.row.lead.utm_medium)),
    ("utm_campaign", |l| text(&l.row.lead.utm_campaign)),
    ("referrer", |l| text(&l.row.lead.referrer)),
    ("landing_path", |l| text(&l.row.lead.landing_path)),
    ("first_response_at", |l| {
        l.row
            .lead
            .first_response_at
            .map(iso_time)
            .unwrap_or_default()
            .into()
    }),
    ("consent_at", |l| iso_time(l.row.lead.consent_at).into()),
    ("consent_text_version", |l| {
        l.row.lead.consent_text_version.as_str().into()
    }),
];

/// Writes one lead, every cell neutralised.
fn write_line(writer: &mut csv::Writer<Vec<u8>>, line: &Line<'_>) -> csv::Result<()> {
    for (_, cell) in COLUMNS {
        writer.write_field(neutralise(&cell(line)).as_bytes())?;
    }
    writer.write_record(None::<&[u8]>)
}

/// The names the rows' ids stand for, read once per export.
struct Names {
    owners: HashMap<i64, String>,
    reports: HashMap<i64, String>,
}

impl Names {
    fn read(conn: &mut crate::db::DbConnection) -> diesel::QueryResult<Self> {
        Ok(Self {
            owners: User::names(conn)?,
            reports: ReportRow::ids_and_slugs(conn)?.into_iter().collect(),
        })
    }

    fn line<'a>(&'a self, row: &'a ExportRow) -> Line<'a> {
        let owner = row.lead.assignee_id.and_then(|id| self.owners.get(&id));
        Line {
            row,
            sent: row.lead.submitted.or(row.contact.details()),
            report: self
                .reports
                .get(&row.lead.report_id)
                .map_or("", String::as_str),
            owner: owner.map_or("", String::as_str),
        }
    }
}

/// Why an export stopped early.
enum Stop {
    Failed(String),
    ClientGone,
}

impl From<diesel::result::Error> for Stop {
    fn from(error: diesel::result::Error) -> Self {
        Stop::Failed(error.to_string())
    }
}

impl From<csv::Error> for Stop {
    fn from(error: csv::Error) -> Self {
        Stop::Failed(error.to_string())
    }
}

/// Writes the export as CSV chunk by chunk, handing each chunk's bytes to the
/// response. Two threads in a pipeline: this one steps the database, a
/// scoped one writes the previous chunk as CSV. The writer hands each chunk's
/// rows back to be freed here, where they were allocated: freeing them on the
/// writer's thread made the two contend for the allocator and cost more than
/// the pipeline won.
fn write_export(
    pool: &crate::db::Pool,
    filter: &mut LeadFilter,
    send: impl Fn(web::Bytes) -> bool + Send,
) -> Result<i64, Stop> {
    let mut conn = pool.get().map_err(|e| Stop::Failed(e.to_string()))?;
    filter.resolve_text(&mut conn)?;
    let names = Names::read(&mut conn)?;
    let (full, read_full) = std::sync::mpsc::sync_channel::<Vec<ExportRow>>(1);
    let (used, read_used) = std::sync::mpsc::channel::<Vec<ExportRow>>();
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_chunks(&names, read_full, used, send));
        let read = read_chunks(&mut conn, filter, full, read_used);
        let written = writer
            .join()
            .unwrap_or(Err(Stop::Failed("writer panicked".into())));
        // A reader stopped by the writer hanging up reports the writer's reason.
        written.and(read)
    })
}

/// The reading half: keyset chunks until the end, an error, or the writer
/// hanging up (then `ClientGone`).
fn read_chunks(
    conn: &mut crate::db::DbConnection,
    filter: &LeadFilter,
    full: std::sync::mpsc::SyncSender<Vec<ExportRow>>,
    used: std::sync::mpsc::Receiver<Vec<ExportRow>>,
) -> Result<i64, Stop> {
    let mut before = None;
    let mut count = 0;
    loop {
        let mut rows = match used.try_recv() {
            Ok(mut rows) => {
                rows.clear();
                rows
            }
            Err(_) => Vec::with_capacity(CHUNK_ROWS as usize),
        };
        let read = export_chunk(conn, filter, before, CHUNK_ROWS, |row| {
            rows.push(row);
            Ok::<_, Stop>(())
        })?;
        full.send(rows).map_err(|_| Stop::ClientGone)?;
        count += read.rows;
        match read.last {
            Some(last) if read.rows == CHUNK_ROWS => before = Some(last),
            _ => return Ok(count),
        }
    }
}

/// The writing half: each chunk as CSV (the first after the header), its
/// rows handed back to the reader.
fn write_chunks(
    names: &Names,
    full: std::sync::mpsc::Receiver<Vec<ExportRow>>,
    used: std::sync::mpsc::Sender<Vec<ExportRow>>,
    send: impl Fn(web::Bytes) -> bool,
) -> Result<(), Stop> {
    // A byte-order mark first: Excel reads the file as UTF-8 only with it
    // ("María", not "MarÃ­a"); other readers skip it.
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(COLUMNS.map(|(name, _)| name))?;
    for rows in full {
        for row in &rows {
            write_line(&mut writer, &names.line(row))?;
        }
        let _ = used.send(rows);
        // The next chunk's buffer starts the size of this one's, so it is
        // not regrown a dozen times.
        let bytes = writer
            .into_inner()
            .map_err(|e| Stop::Failed(e.to_string()))?;
        writer = csv::Writer::from_writer(Vec::with_capacity(bytes.len()));
        if !send(bytes.into()) {
            return Err(Stop::ClientGone);
        }
    }
    Ok(())
}

/// The export's filter as the audit trail keeps it. A text search is noted,
/// not kept: it is usually a buyer's name or address, which erasure could not
/// find there.
fn described(query: &FilterValues) -> String {
    let mut kept = query.clone();
    let searched = !kept.q.trim().is_empty();
    kept.q.clear();
    kept.page.clear();
    let mut text = serde_urlencoded::to_string(&kept).unwrap_or_default();
    if searched {
        text.push_str(if text.is_empty() {
            "a text search"
        } else {
            " and a text search"
        });
    }
    if text.is_empty() {
        text.push_str("no filter");
    }
    text
}

/// Records a finished export with its filter and row count.
fn audit_export(pool: &crate::db::Pool, actor: i64, filter: &str, rows: Option<i64>) {
    let detail = match rows {
        Some(rows) => format!("{rows} rows; {filter}"),
        None => format!("stopped by the client; {filter}"),
    };
    let entry = AuditEntry {
        actor: Some(actor),
        action: AuditAction::LeadsExported,
        target: "leads",
        detail: &detail,
    };
    let recorded = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        entry
            .record(&mut conn, now_unix())
            .map_err(|e| e.to_string())
    });
    if let Err(error) = recorded {
        tracing::error!(%error, "a lead export could not be recorded in the audit trail");
    }
}

pub async fn export(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, PageError> {
    if !staff.user.may_export() {
        return Err(PageError::Forbidden);
    }
    let filter = query.to_filter(&state.settings.response_targets(), now_unix());
    Ok(csv_download(&state, &staff, filter, described(&query)))
}

/// Streams the leads `filter` lets through as the CSV download, and records
/// the export (`audit_filter` says of what) once it is complete.
pub fn csv_download(
    state: &AppState,
    staff: &Staff,
    mut filter: LeadFilter,
    audit_filter: String,
) -> HttpResponse {
    let actor = staff.user.id;
    let (sender, mut receiver) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    tracing::info!(user_id = staff.user.id, "lead export");
    tokio::task::spawn_blocking(move || {
        let sent = |bytes| sender.blocking_send(Ok(bytes)).is_ok();
        match write_export(&pool, &mut filter, sent) {
            Ok(rows) => audit_export(&pool, actor, &audit_filter, Some(rows)),
            Err(Stop::ClientGone) => audit_export(&pool, actor, &audit_filter, None),
            Err(Stop::Failed(error)) => {
                tracing::error!(error = %error, "lead export failed");
                let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"leads.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(stream)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_made_text() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+44 20 7946 0958"), "'+44 20 7946 0958");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("Acme"), "Acme");
    }
}
