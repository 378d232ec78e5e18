//! `/admin/leads/export.csv`: the list's filters, streamed in keyset chunks so
//! memory stays flat however many leads match.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use tokio::sync::mpsc;

use super::auth::Staff;
use super::leads::to_filter;
use std::collections::HashMap;
use std::sync::Arc;

use crate::db::lead_admin::{ExportRow, export_chunk, user_names};
use crate::db::reports::ReportRow;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::admin::{FilterValues, format_time};

/// Rows read per query: large enough that per-query costs vanish, small
/// enough that a chunk is a megabyte or two.
const CHUNK_ROWS: i64 = 4000;

const HEADER: [&str; 22] = [
    "id",
    "created_at",
    "kind",
    "status",
    "score",
    "report",
    "name",
    "email",
    "company",
    "job_title",
    "phone",
    "country",
    "message",
    "licence",
    "budget",
    "owner",
    "marketing_opt_in",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "first_response_at",
];

/// A spreadsheet runs a cell that starts with `= + - @` (or a tab or carriage
/// return) as a formula; a leading apostrophe makes it text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes one lead as a CSV record, borrowing every text cell: a million rows
/// should not cost twenty copied strings each.
fn write_row(
    writer: &mut csv::Writer<Vec<u8>>,
    row: &ExportRow,
    report: &str,
    owner: &str,
) -> csv::Result<()> {
    fn opt(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or_default()
    }
    let id = row.id.to_string();
    let created = format_time(row.created_at);
    let score = row.score.to_string();
    let first_response = row.first_response_at.map(format_time).unwrap_or_default();
    let cells: [&str; 22] = [
        &id,
        &created,
        &row.kind,
        &row.status,
        &score,
        report,
        &row.name,
        &row.email,
        &row.company,
        opt(&row.job_title),
        opt(&row.phone),
        &row.country,
        opt(&row.message),
        opt(&row.licence),
        opt(&row.budget),
        owner,
        if row.marketing_opt_in {
            "true"
        } else {
            "false"
        },
        opt(&row.utm_source),
        opt(&row.utm_medium),
        opt(&row.utm_campaign),
        opt(&row.referrer),
        &first_response,
    ];
    for cell in cells {
        writer.write_field(neutralise(cell).as_bytes())?;
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
    filter: &mut crate::db::lead_admin::LeadFilter,
    chunks: &std::sync::mpsc::SyncSender<Result<Chunk, String>>,
) {
    let fail = |error: String| {
        let _ = chunks.send(Err(error));
    };
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = crate::db::lead_admin::resolve_text(&mut conn, filter) {
        return fail(e.to_string());
    }
    let owners = match user_names(&mut conn) {
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
            Some(last) if rows.len() as i64 == CHUNK_ROWS => Some(last.id),
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
            .assignee_id
            .and_then(|id| chunk.owners.get(&id))
            .map_or("", String::as_str);
        let report = chunk.reports.get(&row.report_id).map_or("", String::as_str);
        write_row(&mut writer, row, report, owner)?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

pub async fn export(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, PageError> {
    let mut filter = to_filter(&query);
    let (sender, mut receiver) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    let pool = state.pool.clone();
    tracing::info!(user_id = staff.user.id, "lead export");
    // Two threads in a pipeline: one reads chunks from the database while the
    // other writes the previous chunk as CSV. Each stops when the other does
    // (a failure, or the client going away).
    let (chunks, read_chunks) = std::sync::mpsc::sync_channel::<Result<Chunk, String>>(2);
    tokio::task::spawn_blocking(move || read_export(&pool, &mut filter, &chunks));
    tokio::task::spawn_blocking(move || {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(HEADER);
        for chunk in read_chunks {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    tracing::error!(error = %error, "lead export failed");
                    let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
                    return;
                }
            };
            let bytes = write_chunk(writer, &chunk);
            // The client went away: dropping the receiver stops the reader.
            if sender.blocking_send(bytes.map(web::Bytes::from)).is_err() {
                return;
            }
            writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
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
