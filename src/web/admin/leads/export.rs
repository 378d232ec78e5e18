//! `/admin/leads/export.csv`: the list's filters, streamed in keyset chunks so
//! memory stays flat however many leads match.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use tokio::sync::mpsc;

use std::collections::HashMap;
use std::sync::Arc;

use super::filters::FilterValues;
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
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One CSV record; its field names are the header. Text cells borrow from the
/// row read (a million rows should not cost twenty copied strings each) and
/// are neutralised.
#[derive(serde::Serialize, Default)]
struct Record<'a> {
    id: i64,
    created_at: String,
    kind: &'static str,
    status: &'static str,
    score: i32,
    report: Cell<'a>,
    name: Cell<'a>,
    email: Cell<'a>,
    company: Cell<'a>,
    job_title: Cell<'a>,
    phone: Cell<'a>,
    country: Cell<'a>,
    message: Cell<'a>,
    licence: &'static str,
    budget: Cell<'a>,
    owner: Cell<'a>,
    marketing_opt_in: bool,
    utm_source: Cell<'a>,
    utm_medium: Cell<'a>,
    utm_campaign: Cell<'a>,
    referrer: Cell<'a>,
    first_response_at: String,
}

/// A text cell, written neutralised.
#[derive(Default)]
struct Cell<'a>(&'a str);

impl serde::Serialize for Cell<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&neutralise(self.0))
    }
}

/// The header line alone (for an export with no rows): what csv writes
/// before a first record.
fn header_line() -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.serialize(Record::default());
    let bytes = writer.into_inner().unwrap_or_default();
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    bytes[..end].to_vec()
}

impl<'a> Record<'a> {
    fn new(row: &'a ExportRow, report: &'a str, owner: &'a str) -> Self {
        let cell = |value: &'a Option<String>| Cell(value.as_deref().unwrap_or_default());
        let (lead, contact) = (&row.lead, &row.contact);
        Self {
            id: lead.id,
            created_at: format_time(lead.created_at),
            kind: lead.kind.as_db(),
            status: lead.status.as_db(),
            score: lead.score,
            report: Cell(report),
            name: Cell(&contact.name),
            email: Cell(&contact.email_normalized),
            company: Cell(&contact.company),
            job_title: cell(&contact.job_title),
            phone: cell(&contact.phone),
            country: Cell(&contact.country),
            message: cell(&lead.message),
            licence: lead.licence.map_or("", |l| l.as_db()),
            budget: cell(&lead.budget),
            owner: Cell(owner),
            marketing_opt_in: lead.marketing_opt_in,
            utm_source: cell(&lead.utm_source),
            utm_medium: cell(&lead.utm_medium),
            utm_campaign: cell(&lead.utm_campaign),
            referrer: cell(&lead.referrer),
            first_response_at: lead.first_response_at.map(format_time).unwrap_or_default(),
        }
    }
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

fn write_chunk(mut writer: csv::Writer<Vec<u8>>, chunk: &Chunk) -> std::io::Result<Vec<u8>> {
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
        writer.serialize(Record::new(row, report, owner))?;
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
        // The first chunk starts with the header (the record's field names).
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
            let bytes = if first && chunk.rows.is_empty() {
                Ok(header_line())
            } else {
                let writer = csv::WriterBuilder::new()
                    .has_headers(first)
                    .from_writer(Vec::new());
                write_chunk(writer, &chunk)
            };
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
