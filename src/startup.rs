//! Builds the application: database, bundled content, and the one route table.

use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing_actix_web::TracingLogger;

use crate::content::import_bundled_if_empty;
use crate::db::group_commit::GroupCommitter;
use crate::db::{self, Backend, Pool};
use crate::mail::transport::MailTransport;
use crate::mail::worker::{Housekeeping, OutboxWorker, WorkerConfig};
use crate::routes::{self, health, public, static_files};
use crate::security::form_token::FormTokens;
use crate::security::headers::security_headers;
use crate::security::password::PasswordHasherPool;
use crate::security::rate_limit::RateLimiter;
use crate::security::session;
use crate::settings::{Settings, sqlite_path};
use crate::views::page_cache::PageCache;

/// Shared by every handler.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    /// The SQLite database file, when that is the backend (for the health check).
    pub sqlite_file: Option<PathBuf>,
    pub form_tokens: FormTokens,
    pub rate_limiter: RateLimiter,
    pub trusted_proxies: Vec<IpAddr>,
    /// Login attempts per client address, apart from form submissions.
    pub login_limiter: RateLimiter,
    pub passwords: PasswordHasherPool,
    /// Tells this instance's outbox worker that a mail is waiting.
    pub outbox_wakeup: Arc<Notify>,
    /// Domain of our From address, for Message-IDs.
    pub mail_domain: String,
    /// Rendered report pages.
    pub report_pages: PageCache,
    /// On SQLite, lead submissions share commits (see `db::group_commit`).
    pub group_commit: Option<GroupCommitter>,
}

pub struct Application {
    port: u16,
    server: Server,
    worker: JoinHandle<()>,
    stop_worker: watch::Sender<bool>,
}

/// Enough for a person who mistypes; far too few for guessing.
const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 20;

/// How long a stopping instance waits for a send in progress.
const WORKER_SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// Connections per instance: enough for the workers and the blocking pool to
/// overlap without letting one instance exhaust a shared PostgreSQL.
const POOL_SIZE: u32 = 16;

impl Application {
    /// Migrates, imports the bundled report if the database has none, and binds
    /// the listener (port 0 picks a free port; `port()` tells which).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let secret_key = settings.secret_key_bytes()?;
        let trusted_proxies = settings.trusted_proxy_ips()?;
        let from: Mailbox = settings.mail_from.parse().with_context(|| {
            format!(
                "REPORTDESK_MAIL_FROM {:?} is not a mail address",
                settings.mail_from
            )
        })?;
        let transport = MailTransport::from_url(&settings.mail_url)?;
        let pool = prepare_database(&settings.database_url).await?;
        let sqlite_file = match Backend::from_url(&settings.database_url)? {
            Backend::Sqlite => sqlite_path(&settings.database_url),
            Backend::Postgres => None,
        };
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        tracing::info!(address = %listener.local_addr()?, "listening");
        let group_commit = match sqlite_file {
            Some(_) => Some(GroupCommitter::start(pool.clone())?),
            None => None,
        };
        let outbox_wakeup = Arc::new(Notify::new());
        let (stop_worker, worker_stopped) = watch::channel(false);
        let worker = OutboxWorker {
            pool: pool.clone(),
            group_commit: group_commit.clone(),
            transport,
            mail_url: settings.mail_url.clone(),
            from: from.clone(),
            config: WorkerConfig {
                max_attempts: settings.mail_max_attempts,
                retry_seconds: settings.mail_retry_seconds,
                lease_seconds: settings.mail_lease_seconds,
                housekeeping: Housekeeping {
                    targets: settings.response_targets(),
                    retention_days: settings.retention_days,
                    public_base: settings.public_base().to_owned(),
                    sales_inbox: settings.sales_inbox.clone(),
                    mail_domain: from.email.domain().to_owned(),
                },
            },
            wakeup: outbox_wakeup.clone(),
        }
        .spawn(worker_stopped);
        let state = web::Data::new(AppState {
            pool,
            outbox_wakeup,
            mail_domain: from.email.domain().to_owned(),
            report_pages: PageCache::default(),
            group_commit,
            form_tokens: FormTokens::new(&secret_key),
            rate_limiter: RateLimiter::new(settings.rate_limit_per_minute),
            login_limiter: RateLimiter::new(LOGIN_ATTEMPTS_PER_MINUTE),
            passwords: PasswordHasherPool::default(),
            trusted_proxies,
            settings: Arc::new(settings),
            sqlite_file,
        });
        let server = run(listener, state, secret_key)?;
        Ok(Self {
            port,
            server,
            worker,
            stop_worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests, signal handling).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (signal or handle), then lets the outbox
    /// worker finish its send in progress and hand back what it had claimed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        let _ = self.stop_worker.send(true);
        if tokio::time::timeout(WORKER_SHUTDOWN_GRACE, self.worker)
            .await
            .is_err()
        {
            tracing::warn!(
                "outbox worker did not stop in time; its claimed mails will be retried after their lease"
            );
        }
        served
    }
}

/// Connects, migrates and imports the bundled report, off the async executor.
pub async fn prepare_database(url: &str) -> anyhow::Result<Pool> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let pool = db::connect(&url, POOL_SIZE)?;
        let mut conn = pool.get().context("no database connection")?;
        db::run_migrations(&mut conn)?;
        import_bundled_if_empty(&mut conn)?;
        Ok(pool)
    })
    .await
    .context("database set-up was interrupted")?
}

fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    secret_key: Vec<u8>,
) -> anyhow::Result<Server> {
    let https = state.settings.is_https();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(security_headers(https))
            .wrap(TracingLogger::default())
            .app_data(state.clone())
            .app_data(public::lead_form::form_config())
            .service(
                web::resource("/healthz")
                    .route(web::get().to(health::healthz))
                    .default_service(web::to(routes::method_not_allowed)),
            )
            .route("/static/{path:.*}", web::get().to(static_files::asset))
            .service(admin_scope(session::middleware(&secret_key, https)))
            .service(
                // Pages a visitor may land on: these record the first touch.
                web::scope("")
                    .wrap(from_fn(public::attribution::record_first_touch))
                    .service(
                        web::resource("/")
                            .route(web::get().to(public::catalog::catalog))
                            .default_service(web::to(routes::method_not_allowed)),
                    )
                    .service(
                        web::resource("/privacy")
                            .route(web::get().to(public::privacy::privacy))
                            .default_service(web::to(routes::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}")
                            .route(web::get().to(public::report::report_page))
                            .default_service(web::to(routes::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/thank-you")
                            .route(web::get().to(public::lead_form::thank_you))
                            .default_service(web::to(routes::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/{form:sample-request|inquiry|discount}")
                            .route(web::get().to(public::lead_form::show_form))
                            .route(web::post().to(public::lead_form::submit))
                            .default_service(web::to(routes::method_not_allowed)),
                    )
                    .default_service(web::to(routes::not_found)),
            )
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// A resource that answers other methods with 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(routes::method_not_allowed))
}

/// The sales desk. Its session cookie exists only here.
fn admin_scope(
    sessions: actix_session::SessionMiddleware<actix_session::storage::CookieSessionStore>,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use crate::routes::admin::{
        account, audit, contacts, dashboard, export, leads, login, routing, users,
    };
    web::scope("/admin")
        .wrap(sessions)
        .service(resource("").route(web::get().to(dashboard::dashboard)))
        .service(
            resource("/login")
                .route(web::get().to(login::show))
                .route(web::post().to(login::submit)),
        )
        .service(resource("/logout").route(web::post().to(login::logout)))
        .service(resource("/leads").route(web::get().to(leads::list)))
        .service(resource("/leads/export.csv").route(web::get().to(export::export)))
        .service(resource("/leads/{id}").route(web::get().to(leads::show)))
        .service(resource("/leads/{id}/status").route(web::post().to(leads::set_status)))
        .service(resource("/leads/{id}/assign").route(web::post().to(leads::assign)))
        .service(resource("/leads/{id}/notes").route(web::post().to(leads::add_note)))
        .service(resource("/leads/{id}/release").route(web::post().to(leads::release)))
        .service(resource("/contacts/{id}").route(web::get().to(contacts::show)))
        .service(resource("/contacts/{id}/export.json").route(web::get().to(contacts::export)))
        .service(resource("/contacts/{id}/erase").route(web::post().to(contacts::erase)))
        .service(
            resource("/routing")
                .route(web::get().to(routing::show))
                .route(web::post().to(routing::change)),
        )
        .service(resource("/audit").route(web::get().to(audit::show)))
        .service(
            resource("/users")
                .route(web::get().to(users::list))
                .route(web::post().to(users::add)),
        )
        .service(resource("/users/{id}/role").route(web::post().to(users::set_role)))
        .service(resource("/users/{id}/disable").route(web::post().to(users::disable)))
        .service(
            resource("/account/password")
                .route(web::get().to(account::show))
                .route(web::post().to(account::change)),
        )
        .default_service(web::to(routes::not_found))
}
