//! The app under test, started for real on a free port: the one `TestApp`.

use std::path::Path;
use std::time::Duration;

use reportdesk::app::{Application, Jobs};
use reportdesk::db::models::contact::Contact;
use reportdesk::db::models::lead::NewLead;
use reportdesk::db::models::lead_event;
use reportdesk::db::models::user::NewUser;
use reportdesk::db::{Backend, Pool, now_unix};
use reportdesk::domain::attribution::Attribution;
use reportdesk::domain::lead_event::LeadEvent;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_request::{LeadFormInput, LeadRequest};
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::domain::scoring::score;
use reportdesk::security::password::hash_password_blocking;
use reportdesk::settings::Settings;
use reportdesk::workflow::assign_owner::assign_new_lead;

use super::db::{TestDatabase, random_hex};
use super::forms::{form_token_in, with_field};
use crate::staff::{PASSWORD, StaffClient, csrf_in, new_browser};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    pub secret_key: Vec<u8>,
    /// The app's background jobs, to run on demand.
    pub jobs: Jobs,
    /// The inbound SMTP listener's address, when the settings start one.
    pub inbound_smtp: Option<std::net::SocketAddr>,
    /// The metrics listener's address, when the settings start one.
    pub metrics: Option<std::net::SocketAddr>,
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
    settings.confirmations_per_client_per_hour = 10_000;
    // Targets count every hour, so a test's overdue lead does not depend on
    // the weekday it runs; the working-hours tests set their own.
    settings.working_hours = "always".into();
    // Tests sweep for overdue leads and due follow-ups when they choose
    // (`escalate_now`, `remind_now`); a sweep of the app's own in between
    // would race what they count. It still runs once at start.
    settings.sweep_seconds = std::num::NonZeroU64::new(24 * 60 * 60).unwrap();
    // Webhook receivers in tests listen on loopback over plain HTTP, answer
    // at once or not at all, and retries come a second later.
    settings.webhook_allow_private = true;
    settings.webhook_allow_insecure = true;
    settings.webhook_timeout_seconds = 2;
    settings.webhook_retry_seconds = 1;
    settings
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
        let jobs = app.jobs();
        // The app sweeps once at start (overdue leads, follow-ups, retention):
        // tests seed after it, and sweep again when they choose.
        tokio::time::timeout(
            Duration::from_secs(30),
            jobs.housekeeping.start_sweep_done(),
        )
        .await
        .expect("the start sweep finishes");
        let inbound_smtp = app.inbound_smtp();
        let metrics = app.metrics_address();
        tokio::spawn(app.run_until_stopped());
        let client = crate::helpers::client_builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            address,
            client,
            db,
            secret_key,
            jobs,
            inbound_smtp,
            metrics,
            server,
        }
    }

    /// Posts every webhook delivery that is due now, instead of waiting for
    /// the worker, and waits for those the worker is posting.
    pub async fn deliver_webhooks(&self) {
        // A few rounds: what the worker hands back (a retry due now) is
        // taken here; a lease left by a stopped app is not waited out.
        for _ in 0..3 {
            while self.jobs.webhooks.run_once().await > 0 {}
            if !self.wait_while_claimed("webhook_deliveries").await {
                return;
            }
        }
    }

    /// Sends every mail that is due now, instead of waiting for the worker,
    /// and waits for the mail the worker is sending.
    pub async fn drain_outbox(&self) {
        for _ in 0..3 {
            while self.jobs.outbox.run_once().await > 0 {}
            if !self.wait_while_claimed("outbox").await {
                return;
            }
        }
    }

    /// The app's own worker may have claimed rows of `table` a moment before
    /// the test ran its jobs: waits (up to 10 s) until none is in flight, so
    /// the test reads the recorded outcome, never a half-done one. Answers
    /// whether it waited, that is whether there may be more to do.
    async fn wait_while_claimed(&self, table: &str) -> bool {
        #[derive(diesel::QueryableByName)]
        struct Claimed {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::RunQueryDsl;
        let mut waited = false;
        for _ in 0..200 {
            let query = format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE claimed_until >= {}",
                now_unix()
            );
            let mut conn = self.pool().get().expect("a connection");
            let claimed: Claimed = diesel::sql_query(query)
                .get_result(&mut conn)
                .expect("the count of claimed rows");
            if claimed.n == 0 {
                break;
            }
            waited = true;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        waited
    }

    /// The mails written by the file transport, each as its raw text, once
    /// there are `expected` (the background worker may be writing some).
    pub async fn sent_eml(&self, expected: usize) -> Vec<String> {
        let mut sent = Vec::new();
        for _ in 0..100 {
            self.drain_outbox().await;
            sent = std::fs::read_dir(self.db.dir.path().join("mail"))
                .map(|dir| {
                    dir.flatten()
                        .filter_map(|f| std::fs::read_to_string(f.path()).ok())
                        .collect()
                })
                .unwrap_or_default();
            if sent.len() >= expected {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        sent
    }

    /// Runs the overdue sweep now; answers how many leads it escalated.
    pub async fn escalate_now(&self) -> usize {
        self.jobs.housekeeping.escalate_now().await
    }

    /// Stops the server so its database connections close before the next test.
    /// Stops the server and removes its database (a PostgreSQL database
    /// would otherwise outlive the test: thousands of runs filled 48 GB).
    pub async fn stop(self) {
        self.server.stop(false).await;
        self.db.remove().await;
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
            .env("REPORTDESK_WORKING_HOURS", "always")
            .output()
            .expect("run reportdesk")
    }

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

    pub fn create_user(&self, email: &str, name: &str, role: &str) -> i64 {
        let hash = hash_password_blocking(PASSWORD).unwrap();
        let mut conn = self.pool().get().unwrap();
        let role = reportdesk::domain::role::Role::from_db(role).expect("admin or sales");
        NewUser {
            email,
            name,
            role,
            password_hash: &hash,
        }
        .insert(&mut conn, now_unix())
        .unwrap()
    }

    /// The outbox's mails of a kind: (to, text body), oldest first.
    pub fn outbox_mails(&self, kind: &str) -> Vec<(String, String)> {
        use diesel::prelude::*;
        use reportdesk::db::schema::outbox;
        let mut conn = self.pool().get().unwrap();
        outbox::table
            .filter(outbox::kind.eq(kind))
            .order(outbox::id)
            .select((outbox::to_addr, outbox::body_text))
            .load(&mut conn)
            .unwrap()
    }

    pub fn user_id(&self, email: &str) -> i64 {
        let mut conn = self.pool().get().unwrap();
        reportdesk::db::models::user::User::find_by_email(&mut conn, email)
            .unwrap()
            .expect("the user exists")
            .id
    }

    /// Attempts a login in `client`; returns the response to the POST.
    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/admin/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&page);
        client
            .post(self.url("/admin/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("csrf_token", csrf.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .unwrap(),
            )
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str) -> StaffClient<'_> {
        let client = new_browser();
        let response = self.try_login(&client, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login of {email}");
        StaffClient { app: self, client }
    }

    /// An admin, created and logged in.
    pub async fn admin(&self) -> StaffClient<'_> {
        self.create_user("ada@publisher.test", "Ada Admin", "admin");
        self.login("ada@publisher.test").await
    }

    /// Stores a lead directly (fast), as a submission would. Returns its id.
    pub fn seed_lead(
        &self,
        kind: LeadKind,
        email: &str,
        company: &str,
        status: LeadStatus,
        created_at: i64,
    ) -> i64 {
        let input = LeadFormInput {
            name: format!("Buyer {company}"),
            email: email.into(),
            company: company.into(),
            country: "DE".into(),
            message: "Please send the oncology chapter.".into(),
            consent: "yes".into(),
            licence: "single".into(),
            ..Default::default()
        };
        let request = LeadRequest::parse(kind, &input).unwrap();
        let lead_score = score(&request);
        let token_hash = random_hex(32);
        let mut conn = self.pool().get().unwrap();
        let report_id: i64 = {
            use diesel::prelude::*;
            reportdesk::db::schema::reports::table
                .select(reportdesk::db::schema::reports::id)
                .first(&mut conn)
                .unwrap()
        };
        // As a submission stores it (contact, lead, event, owner), with any
        // status and no mail.
        let spam = status == LeadStatus::Spam;
        let contact_id = Contact::upsert(&mut conn, &request, !spam, created_at).unwrap();
        let spam_reason = spam.then_some("honeypot field was filled");
        let lead_id = NewLead {
            request: &request,
            contact_id,
            report_id,
            status,
            spam_reason,
            score: lead_score.value,
            attribution: &Attribution::default(),
            form_token_hash: &token_hash,
            consent_text_version: "test",
            now: created_at,
        }
        .insert(&mut conn)
        .unwrap();
        let created = LeadEvent::Created {
            score: lead_score.value,
            reasons: lead_score.reasons.clone(),
            spam_reason: spam_reason.map(str::to_owned),
        };
        lead_event::record(&mut conn, lead_id, None, &created, created_at).unwrap();
        if !spam {
            assign_new_lead(&mut conn, lead_id, "DE", created_at).unwrap();
        }
        lead_id
    }
}
