//! Test harness: start the real application and talk to it over HTTP.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reportdesk::app::Application;
use reportdesk::db::{self, Backend, Pool};
use reportdesk::settings::Settings;
use tempfile::TempDir;

pub const REPORT_SLUG: &str = "global-medical-second-opinion-market";
pub const REPORT_PATH: &str = "/reports/global-medical-second-opinion-market";

/// Runs the scenario once on SQLite and once on PostgreSQL, as
/// `name::on_sqlite` and `name::on_postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn scenario($app: &$crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let app = $crate::helpers::TestApp::spawn(reportdesk::db::Backend::Sqlite).await.unwrap();
                scenario(&app).await;
                app.stop().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn(reportdesk::db::Backend::Postgres).await {
                    scenario(&app).await;
                    app.stop().await;
                }
            }
        }
    )*};
}

/// A fresh, empty database for one test: a SQLite file in a temp folder, or a
/// uniquely named PostgreSQL database.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    pub dir: TempDir,
    postgres_admin_url: Option<String>,
    database_name: Option<String>,
}

impl TestDatabase {
    /// `None` when the backend is PostgreSQL and this run has no server.
    pub async fn create(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(Self {
                backend,
                url: format!(
                    "sqlite://{}",
                    dir.path().join("reportdesk.sqlite3").display()
                ),
                dir,
                postgres_admin_url: None,
                database_name: None,
            }),
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let name = format!("reportdesk_test_{}", random_hex(8));
                let create = format!("CREATE DATABASE {name}");
                let admin_for_task = admin.clone();
                tokio::task::spawn_blocking(move || {
                    let mut conn = PgConnection::establish(&admin_for_task).expect(
                        "REPORTDESK_TEST_POSTGRES_URL is set but PostgreSQL does not answer",
                    );
                    conn.batch_execute(&create).expect("create test database");
                })
                .await
                .unwrap();
                Some(Self {
                    backend,
                    url: with_database(&admin, &name),
                    dir,
                    postgres_admin_url: Some(admin),
                    database_name: Some(name),
                })
            }
        }
    }

    pub fn pool(&self) -> Pool {
        db::connect(&self.url, 2).expect("test pool")
    }

    /// Makes the database unreachable: the SQLite file is removed, the
    /// PostgreSQL database is dropped with its connections.
    pub async fn destroy(&self) {
        match self.backend {
            Backend::Sqlite => {
                std::fs::remove_file(self.dir.path().join("reportdesk.sqlite3")).unwrap()
            }
            Backend::Postgres => {
                let admin = self.postgres_admin_url.clone().unwrap();
                let drop = format!(
                    "DROP DATABASE {} WITH (FORCE)",
                    self.database_name.as_deref().unwrap()
                );
                tokio::task::spawn_blocking(move || {
                    let mut conn = PgConnection::establish(&admin).unwrap();
                    conn.batch_execute(&drop).unwrap();
                })
                .await
                .unwrap();
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    pub secret_key: Vec<u8>,
    server: actix_web::dev::ServerHandle,
}

/// The settings every test app starts from.
pub fn test_settings(db: &TestDatabase) -> Settings {
    let mut settings = Settings::defaults().unwrap();
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.secret_key = Some(random_hex(64).into());
    settings.mail_url = format!("file://{}", db.dir.path().join("mail").display());
    // Tests submit at machine speed; the too-fast spam rule and the rate
    // limit have tests of their own that set these back.
    settings.form_min_seconds = 0;
    settings.rate_limit_per_minute = 10_000;
    settings
}

/// The PostgreSQL server to create test databases on, if this run has one.
/// `REPORTDESK_TEST_REQUIRE_POSTGRES=1` (set by `.ci/run`) turns a missing server
/// into a failure, so CI can never pass by skipping.
fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("REPORTDESK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let required = std::env::var("REPORTDESK_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1");
    match url {
        Some(url) => Some(url),
        None if required => {
            panic!("REPORTDESK_TEST_REQUIRE_POSTGRES=1 but REPORTDESK_TEST_POSTGRES_URL is not set")
        }
        None => {
            eprintln!(
                "SKIPPED: PostgreSQL test (set REPORTDESK_TEST_POSTGRES_URL=postgres://user@host:port/postgres to run it)"
            );
            None
        }
    }
}

pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// Swaps the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map(|(base, _)| base).unwrap_or(url);
    format!("{base}/{name}")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the app after `adjust` has changed the settings.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let db = TestDatabase::create(backend).await?;
        Some(Self::spawn_on(db, adjust).await)
    }

    /// Starts the app on a database made beforehand.
    pub async fn spawn_on(db: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = test_settings(&db);
        adjust(&mut settings);
        let secret_key = settings.secret_key_bytes().unwrap();
        let app = Application::build(settings).await.expect("app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let server = app.handle();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            address,
            client,
            db,
            secret_key,
            server,
        }
    }

    /// Stops the server so its database connections close before the next test.
    pub async fn stop(self) {
        self.server.stop(false).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GET that must answer 200; returns the body.
    pub async fn get_page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// A separate pool on the app's database, to arrange or inspect rows directly.
    pub fn pool(&self) -> Pool {
        self.db.pool()
    }

    pub async fn destroy_database(&self) {
        self.db.destroy().await
    }

    /// Runs the reportdesk binary against this app's database, in `cwd`.
    pub fn run_cli(&self, args: &[&str], cwd: &Path) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_reportdesk"))
            .args(args)
            .current_dir(cwd)
            .env("REPORTDESK_DATABASE_URL", &self.db.url)
            .env("REPORTDESK_LOG", "warn")
            .output()
            .expect("run reportdesk")
    }
}

/// The page text as askama escapes it, for comparing with seed text.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Asserts the page contains the text (HTML-escaped), naming what is missing.
pub fn assert_shows(page: &str, text: &str) {
    assert!(
        page.contains(&escaped(text)),
        "the page does not show {text:?}"
    );
}

/// A complete, valid submission for every kind of form.
pub fn valid_fields() -> Vec<(&'static str, String)> {
    [
        ("name", "Jane Doe"),
        ("email", "jane.doe@acme-health.com"),
        ("phone", "+44 20 7946 0958"),
        ("company", "Acme Health"),
        ("job_title", "Director of Strategy"),
        ("country", "GB"),
        (
            "message",
            "We would like the oncology figures for Europe, 2025 to 2030.",
        ),
        ("consent", "yes"),
        ("licence", "multi"),
        ("budget", "USD 4,000"),
        ("website", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The value of a field in a form body list, replaced or added.
pub fn with_field(
    mut fields: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name, value.to_owned())),
    }
    fields
}

/// The hidden form token in a rendered form page.
pub fn form_token_in(page: &str) -> String {
    let needle = "name=\"form_token\" value=\"";
    let start = page.find(needle).expect("form has a token") + needle.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

#[derive(Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = reportdesk::db::schema::leads)]
pub struct StoredLead {
    pub id: i64,
    pub contact_id: i64,
    pub kind: String,
    pub status: String,
    pub message: Option<String>,
    pub licence: Option<String>,
    pub budget: Option<String>,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub consent_text_version: String,
    pub consent_at: i64,
    pub marketing_opt_in: bool,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub landing_path: Option<String>,
}

#[derive(Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = reportdesk::db::schema::contacts)]
pub struct StoredContact {
    pub id: i64,
    pub email_normalized: String,
    pub name: String,
    pub company: String,
    pub phone: Option<String>,
    pub country: String,
}

impl TestApp {
    /// Opens a form page and returns it with its token.
    pub async fn open_form(&self, path: &str) -> (String, String) {
        let page = self.get_page(path).await;
        let token = form_token_in(&page);
        (page, token)
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Opens the form at `path` and submits `fields` with its token.
    pub async fn submit(
        &self,
        path: &str,
        fields: Vec<(&'static str, String)>,
    ) -> reqwest::Response {
        let (_, token) = self.open_form(path).await;
        self.post_form(path, &with_field(fields, "form_token", &token))
            .await
    }

    pub fn leads(&self) -> Vec<StoredLead> {
        use diesel::prelude::*;
        use reportdesk::db::schema::leads;
        let mut conn = self.pool().get().unwrap();
        leads::table
            .order(leads::id)
            .select(StoredLead::as_select())
            .load(&mut conn)
            .unwrap()
    }

    pub fn contacts(&self) -> Vec<StoredContact> {
        use diesel::prelude::*;
        use reportdesk::db::schema::contacts;
        let mut conn = self.pool().get().unwrap();
        contacts::table
            .order(contacts::id)
            .select(StoredContact::as_select())
            .load(&mut conn)
            .unwrap()
    }

    /// The `detail` of each lead event of a kind, oldest first.
    pub fn event_details(&self, kind: &str) -> Vec<String> {
        use diesel::prelude::*;
        use reportdesk::db::schema::lead_events;
        let mut conn = self.pool().get().unwrap();
        lead_events::table
            .filter(lead_events::kind.eq(kind))
            .order(lead_events::id)
            .select(lead_events::detail)
            .load(&mut conn)
            .unwrap()
    }
}
