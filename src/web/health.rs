//! `/healthz`: 200 `ok` when the database takes a write, 503 otherwise.

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::db::models::health_probe::probe_write;
use crate::state::AppState;

/// A load balancer polls this often; it must answer fast even when the
/// database hangs, so it waits for a connection only briefly.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let sqlite_file = state.sqlite_file.clone();
    let check = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        // An open SQLite connection keeps working on a deleted file, silently
        // writing data that is gone at the next start; treat that as down.
        if let Some(path) = &sqlite_file {
            anyhow::ensure!(path.exists(), "the SQLite database file is missing");
        }
        let mut conn = pool.get_timeout(CHECKOUT_TIMEOUT)?;
        // A write, committed: a database that answers reads while refusing
        // writes (a lock held too long, a full disk) loses leads.
        probe_write(&mut conn, crate::db::now_unix())
    })
    .await;
    match check {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "health check failed");
            unavailable()
        }
        Err(_) => unavailable(),
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain")
        .body("database unavailable")
}
