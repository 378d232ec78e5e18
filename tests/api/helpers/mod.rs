//! Test harness: start the real application and talk to it over HTTP.

mod app;
mod db;
mod forms;
pub mod html;
pub mod receiver;
pub mod tools;

pub use app::{TestApp, test_settings};
pub use db::{TestDatabase, random_hex};
pub use forms::*;

use reportdesk::db::Backend;

/// A reqwest client builder; TLS (unused against the local app, but built
/// into every client) gets the process's aws-lc-rs provider.
pub fn client_builder() -> reqwest::ClientBuilder {
    reportdesk::webhooks::client::install_crypto_provider();
    reqwest::Client::builder()
}

pub const REPORT_SLUG: &str = "global-medical-second-opinion-market";
pub const REPORT_PATH: &str = "/reports/global-medical-second-opinion-market";

/// Makes the plain `async fn $name(app: &TestApp)` two tests, run once on
/// SQLite and once on PostgreSQL: `$name::on_sqlite` and `$name::on_postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                $crate::helpers::run_on(reportdesk::db::Backend::Sqlite, super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                $crate::helpers::run_on(reportdesk::db::Backend::Postgres, super::$name).await
            }
        }
    };
    // The same, with the settings adjusted by the plain `fn $adjust(&mut Settings)`.
    ($name:ident, $adjust:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let backend = reportdesk::db::Backend::Sqlite;
                $crate::helpers::run_on_with(backend, super::$adjust, super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let backend = reportdesk::db::Backend::Postgres;
                $crate::helpers::run_on_with(backend, super::$adjust, super::$name).await
            }
        }
    };
}

/// As `run_on`, with the settings adjusted first.
pub async fn run_on_with(
    backend: Backend,
    adjust: impl FnOnce(&mut reportdesk::settings::Settings),
    scenario: impl AsyncFnOnce(&TestApp),
) {
    if let Some(app) = TestApp::spawn_with(backend, adjust).await {
        scenario(&app).await;
        app.stop().await;
    }
}

/// Runs a scenario against a fresh app on `backend`, then stops the app. A
/// PostgreSQL run without a server is skipped, loudly (see `TestDatabase`).
pub async fn run_on(backend: Backend, scenario: impl AsyncFnOnce(&TestApp)) {
    if let Some(app) = TestApp::spawn(backend).await {
        scenario(&app).await;
        app.stop().await;
    }
}

/// POSTs `fields` as a form from `client`.
pub async fn post_urlencoded(
    client: &reqwest::Client,
    url: &str,
    fields: &impl serde::Serialize,
) -> reqwest::Response {
    client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
        .send()
        .await
        .unwrap()
}
