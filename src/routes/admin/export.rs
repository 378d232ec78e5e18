//! `/admin/leads/export.csv`: the list's filters, streamed in keyset chunks so
//! memory stays flat however many leads match.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use tokio::sync::mpsc;

use super::auth::Staff;
use super::leads::to_filter;
use crate::db::lead_admin::{ExportRow, export_chunk, user_names};
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::admin::{FilterValues, format_time};

const CHUNK_ROWS: i64 = 1000;

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

fn write_row(writer: &mut csv::Writer<Vec<u8>>, row: &ExportRow, owner: &str) -> csv::Result<()> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let cells = [
        row.id.to_string(),
        format_time(row.created_at),
        row.kind.clone(),
        row.status.clone(),
        row.score.to_string(),
        row.report_slug.clone(),
        row.name.clone(),
        row.email.clone(),
        row.company.clone(),
        opt(&row.job_title),
        opt(&row.phone),
        row.country.clone(),
        opt(&row.message),
        opt(&row.licence),
        opt(&row.budget),
        owner.to_owned(),
        row.marketing_opt_in.to_string(),
        opt(&row.utm_source),
        opt(&row.utm_medium),
        opt(&row.utm_campaign),
        opt(&row.referrer),
        row.first_response_at.map(format_time).unwrap_or_default(),
    ];
    writer.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
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
    tokio::task::spawn_blocking(move || {
        let fail = |sender: &mpsc::Sender<_>, error: String| {
            tracing::error!(error = %error, "lead export failed");
            let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
        };
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => return fail(&sender, e.to_string()),
        };
        if let Err(e) = crate::db::lead_admin::resolve_text(&mut conn, &mut filter) {
            return fail(&sender, e.to_string());
        }
        let names = match user_names(&mut conn) {
            Ok(names) => names,
            Err(e) => return fail(&sender, e.to_string()),
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(HEADER);
        let mut before = None;
        loop {
            let rows = match export_chunk(&mut conn, &filter, before, CHUNK_ROWS) {
                Ok(rows) => rows,
                Err(e) => return fail(&sender, e.to_string()),
            };
            for row in &rows {
                let owner = row
                    .assignee_id
                    .and_then(|id| names.get(&id))
                    .map_or("", String::as_str);
                if let Err(e) = write_row(&mut writer, row, owner) {
                    return fail(&sender, e.to_string());
                }
            }
            let bytes = match writer.into_inner() {
                Ok(bytes) => bytes,
                Err(e) => return fail(&sender, e.to_string()),
            };
            // The client went away: stop reading the database.
            if sender.blocking_send(Ok(web::Bytes::from(bytes))).is_err() {
                return;
            }
            writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            match rows.last() {
                Some(last) if rows.len() as i64 == CHUNK_ROWS => before = Some(last.id),
                _ => return,
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
