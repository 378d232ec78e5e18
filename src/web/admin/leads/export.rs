//! `/admin/leads/export.csv`: the list's filters, streamed in keyset chunks so
//! memory stays flat however many leads match.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use tokio::sync::mpsc;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::filters::FilterValues;
use crate::db::models::lead::Details;
use crate::db::models::report::ReportRow;
use crate::db::models::user::User;
use crate::db::queries::lead_export::{ExportRow, export_chunk};
use crate::db::queries::lead_filter::LeadFilter;
use crate::format::format_time;
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
const COLUMNS: [(&str, CellOf); 22] = [
    ("id", |l| l.row.lead.id.to_string().into()),
    ("created_at", |l| format_time(l.row.lead.created_at).into()),
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
    ("first_response_at", |l| {
        l.row
            .lead
            .first_response_at
            .map(format_time)
            .unwrap_or_default()
            .into()
    }),
];

/// Writes one lead, every cell neutralised.
fn write_line(writer: &mut csv::Writer<Vec<u8>>, line: &Line<'_>) -> csv::Result<()> {
    for (_, cell) in COLUMNS {
        writer.write_field(neutralise(&cell(line)).as_bytes())?;
    }
    writer.write_record(None::<&[u8]>)
}

/// Rows read together, with the names their ids stand for.
struct Chunk {
    rows: Vec<ExportRow>,
    owners: Arc<HashMap<i64, String>>,
    reports: Arc<HashMap<i64, String>>,
}

/// Reads the export in keyset chunks until the end, an error, or the writer
/// hanging up.
fn read_export(
    pool: &crate::db::Pool,
    filter: &mut LeadFilter,
    chunks: &std::sync::mpsc::SyncSender<Result<Chunk, String>>,
) {
    let fail = |error: String| {
        let _ = chunks.send(Err(error));
    };
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = filter.resolve_text(&mut conn) {
        return fail(e.to_string());
    }
    let owners = match User::names(&mut conn) {
        Ok(names) => Arc::new(names),
        Err(e) => return fail(e.to_string()),
    };
    let reports = match ReportRow::ids_and_slugs(&mut conn) {
        Ok(reports) => Arc::new(reports.into_iter().collect::<HashMap<_, _>>()),
        Err(e) => return fail(e.to_string()),
    };
    let mut before = None;
    loop {
        let rows = match export_chunk(&mut conn, filter, before, CHUNK_ROWS) {
            Ok(rows) => rows,
            Err(e) => return fail(e.to_string()),
        };
        let next = match rows.last() {
            Some(last) if rows.len() as i64 == CHUNK_ROWS => Some(last.lead.id),
            _ => None,
        };
        let chunk = Chunk {
            rows,
            owners: owners.clone(),
            reports: reports.clone(),
        };
        if chunks.send(Ok(chunk)).is_err() {
            return;
        }
        match next {
            Some(id) => before = Some(id),
            None => return,
        }
    }
}

/// One chunk as CSV; the first starts with the header.
fn write_chunk(chunk: &Chunk, first: bool) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if first {
        writer.write_record(COLUMNS.map(|(name, _)| name))?;
    }
    for row in &chunk.rows {
        let owner = row
            .lead
            .assignee_id
            .and_then(|id| chunk.owners.get(&id))
            .map_or("", String::as_str);
        let report = chunk
            .reports
            .get(&row.lead.report_id)
            .map_or("", String::as_str);
        let sent = row.lead.submitted.or(row.contact.details());
        let line = Line {
            row,
            sent,
            report,
            owner,
        };
        write_line(&mut writer, &line)?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

pub async fn export(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, PageError> {
    let mut filter = query.to_filter();
    let (sender, mut receiver) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    tracing::info!(user_id = staff.user.id, "lead export");
    // Two threads in a pipeline: one reads chunks from the database while the
    // other writes the previous chunk as CSV. Each stops when the other does
    // (a failure, or the client going away).
    let (chunks, read_chunks) = std::sync::mpsc::sync_channel::<Result<Chunk, String>>(2);
    tokio::task::spawn_blocking(move || read_export(&pool, &mut filter, &chunks));
    tokio::task::spawn_blocking(move || {
        let mut first = true;
        for chunk in read_chunks {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    tracing::error!(error = %error, "lead export failed");
                    let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
                    return;
                }
            };
            let bytes = write_chunk(&chunk, first);
            first = false;
            // The client went away: dropping the receiver stops the reader.
            if sender.blocking_send(bytes.map(web::Bytes::from)).is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"leads.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(stream))
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
