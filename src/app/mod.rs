//! The composition root: builds the database, the jobs and the server from
//! the settings, and runs them until stopped.

mod request_metrics;
mod request_span;
mod route_template;
pub mod routes;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::web;
use anyhow::Context;
use lettre::message::Mailbox;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::content::import_bundled_if_empty;
use crate::db::group_commit::GroupCommitter;
use crate::db::{self, Backend, Pool};
use crate::jobs::housekeeping::Housekeeping;
use crate::jobs::outbox_worker::{OutboxWorker, WorkerConfig};
use crate::jobs::wakeups::Wakeups;
use crate::mail::compose::MailSetup;
use crate::mail::transport::MailTransport;
use crate::security::form_token::FormTokens;
use crate::security::password::PasswordHasherPool;
use crate::security::rate_limit::RateLimiter;
use crate::security::two_factor_keys::TwoFactorKeys;
use crate::settings::{Settings, sqlite_path};
use crate::state::AppState;

use crate::state::page_cache::{self, PageCache};

pub struct Application {
    port: u16,
    /// Where the inbound SMTP listener took its port, when it runs.
    inbound_smtp: Option<std::net::SocketAddr>,
    server: Server,
    /// `/metrics` on a listener of its own, and where it listens.
    metrics: Option<(Server, std::net::SocketAddr)>,
    jobs: Jobs,
    workers: Vec<JoinHandle<()>>,
    stop_jobs: watch::Sender<bool>,
    _database_lock: Option<crate::backup::server_lock::ServerLock>,
}

/// This instance's background jobs, to run on demand (tests drain the outbox
/// and sweep for overdue leads with these instead of waiting).
#[derive(Clone)]
pub struct Jobs {
    pub outbox: Arc<OutboxWorker>,
    pub webhooks: Arc<crate::jobs::webhook_worker::WebhookWorker>,
    pub housekeeping: Housekeeping,
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
        crate::webhooks::client::install_crypto_provider();
        crate::monitoring::record::handle();
        let secret_key = settings.secret_key_bytes()?;
        let trusted_proxies = settings.trusted_proxy_ips()?;
        let from: Mailbox = settings.mail_from.parse().with_context(|| {
            format!(
                "REPORTDESK_MAIL_FROM {:?} is not a mail address",
                settings.mail_from
            )
        })?;
        // Every lead mail goes there: a typo must stop the start, not every mail.
        let sales: lettre::message::Mailboxes = settings.sales_inbox.parse().map_err(|_| {
            anyhow::anyhow!(
                "REPORTDESK_SALES_INBOX {:?} is not a mail address or a comma-separated list of them",
                settings.sales_inbox
            )
        })?;
        anyhow::ensure!(
            sales.iter().next().is_some(),
            "REPORTDESK_SALES_INBOX is empty: name the address lead notifications go to"
        );
        let transport = MailTransport::from_url(
            &settings.mail_url,
            Duration::from_secs(settings.mail_timeout_seconds),
            &crate::mail::smtp_url::SmtpOptions::from_settings(&settings),
        )?;
        // Held for the server's life: `reportdesk restore` refuses meanwhile.
        let database_lock = match sqlite_path(&settings.database_url) {
            Some(path) if Backend::from_url(&settings.database_url)? == Backend::Sqlite => {
                Some(crate::backup::server_lock::hold(&path)?)
            }
            _ => None,
        };
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
        let mail_setup = MailSetup::from_settings(&settings, &secret_key, &from);
        let replies = mail_setup.replies.clone();
        let wakeups = Wakeups::default();
        let inbound_smtp = match (settings.inbound_smtp_bind, &replies) {
            (Some(bind), Some(own)) => Some(crate::jobs::inbound_smtp::start(
                bind,
                pool.clone(),
                mail_setup.clone(),
                own.clone(),
                wakeups.clone(),
            )?),
            _ => None,
        };
        let jobs = Jobs {
            outbox: Arc::new(OutboxWorker {
                pool: pool.clone(),
                group_commit: group_commit.clone(),
                transport,
                mail_url: settings.mail_url.clone(),
                inbound: replies.clone(),
                dkim: crate::mail::dkim::dkim_config(&settings, from.email.domain())?.map(Arc::new),
                buyer_from: Mailbox::new(
                    Some(settings.publisher_name.trim())
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned)
                        .or(from.name.clone()),
                    from.email.clone(),
                ),
                from,
                config: WorkerConfig {
                    max_attempts: settings.mail_max_attempts,
                    retry_seconds: settings.mail_retry_seconds,
                    lease_seconds: settings.mail_lease_seconds,
                },
                wakeup: wakeups.outbox.clone(),
            }),
            webhooks: Arc::new(webhook_worker(&settings, &pool, &mail_setup, &wakeups)?),
            housekeeping: Housekeeping {
                pool: pool.clone(),
                targets: settings.response_targets(),
                retention_days: settings.retention_days,
                setup: mail_setup.clone(),
                mail_url: settings.mail_url.clone(),
                wakeups: wakeups.clone(),
                follow_up_grace_seconds: settings.follow_up_grace_hours * 3600,
                sweep_every: std::time::Duration::from_secs(settings.sweep_seconds.get()),
                swept_at_start: Arc::new(watch::Sender::new(false)),
            },
        };
        let (stop_jobs, jobs_stopped) = watch::channel(false);
        let mut workers = vec![
            jobs.outbox.clone().spawn(jobs_stopped.clone()),
            jobs.webhooks.clone().spawn(jobs_stopped.clone()),
            jobs.housekeeping.clone().spawn(jobs_stopped.clone()),
        ];
        if let Some(dir) = &settings.backup_dir {
            let daily = crate::jobs::scheduled_backup::ScheduledBackup {
                pool: pool.clone(),
                database_url: settings.database_url.clone(),
                dir: dir.clone(),
                hour: settings.backup_hour,
            };
            workers.push(daily.spawn(jobs_stopped));
        }
        let settings_metrics_bind = settings.metrics_bind;
        let state = web::Data::new(AppState {
            pool,
            wakeups,
            mail_setup,
            report_pages: PageCache::new(page_cache::REPORT_PAGES),
            share_images: PageCache::new(page_cache::SHARE_IMAGES),
            samples: Default::default(),
            dashboard: Default::default(),
            group_commit,
            form_tokens: FormTokens::new(&secret_key),
            two_factor: TwoFactorKeys::new(&secret_key),
            rate_limiter: RateLimiter::new(settings.rate_limit_per_minute),
            login_limiter: RateLimiter::new(LOGIN_ATTEMPTS_PER_MINUTE),
            confirmation_limiter: RateLimiter::per_window(
                settings.confirmations_per_client_per_hour,
                3600,
            ),
            api_limiter: RateLimiter::new(settings.api_requests_per_minute),
            passwords: PasswordHasherPool::default(),
            trusted_proxies,
            settings: Arc::new(settings),
            sqlite_file,
        });
        let metrics = match settings_metrics_bind {
            Some(bind) => {
                let listener = TcpListener::bind(bind)
                    .with_context(|| format!("cannot listen for metrics on {bind}"))?;
                let address = listener.local_addr()?;
                tracing::info!(%address, "metrics listening");
                Some((routes::serve_metrics(listener, state.clone())?, address))
            }
            None => None,
        };
        let server = routes::serve(listener, state, secret_key)?;
        Ok(Self {
            port,
            inbound_smtp,
            server,
            metrics,
            _database_lock: database_lock,
            jobs,
            workers,
            stop_jobs,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn inbound_smtp(&self) -> Option<std::net::SocketAddr> {
        self.inbound_smtp
    }

    /// Where `/metrics` listens on its own, when it does.
    pub fn metrics_address(&self) -> Option<std::net::SocketAddr> {
        self.metrics.as_ref().map(|(_, address)| *address)
    }

    /// Stops the server from elsewhere (tests, signal handling).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn jobs(&self) -> Jobs {
        self.jobs.clone()
    }

    /// Serves until the server stops (signal or handle), then lets the outbox
    /// worker finish its send in progress and hand back what it had claimed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let served = self.server.await;
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        let _ = self.stop_jobs.send(true);
        let all = futures_util::future::join_all(self.workers);
        if tokio::time::timeout(WORKER_SHUTDOWN_GRACE, all)
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
        db::refresh_planner_statistics(&mut conn)?;
        Ok(pool)
    })
    .await
    .context("database set-up was interrupted")?
}

fn webhook_worker(
    settings: &Settings,
    pool: &crate::db::Pool,
    setup: &MailSetup,
    wakeups: &Wakeups,
) -> anyhow::Result<crate::jobs::webhook_worker::WebhookWorker> {
    let policy = settings.webhook_policy();
    let timeout = Duration::from_secs(settings.webhook_timeout_seconds);
    Ok(crate::jobs::webhook_worker::WebhookWorker {
        pool: pool.clone(),
        client: crate::webhooks::client::build(timeout, policy.allow_internal)?,
        config: crate::jobs::webhook_worker::WebhookConfig {
            timeout_seconds: i64::try_from(settings.webhook_timeout_seconds).unwrap_or(60),
            max_attempts: settings.webhook_max_attempts,
            retry_seconds: settings.webhook_retry_seconds,
            policy,
        },
        setup: setup.clone(),
        outbox_wakeup: wakeups.outbox.clone(),
        wakeup: wakeups.webhooks.clone(),
    })
}
