//! The webhook worker: one tokio task per instance, beside the outbox worker
//! and with its discipline. It claims due deliveries with a lease, posts
//! them, and records each as delivered, due again after a backoff, or dead.
//! An endpoint that answers 410 is switched off; one failing for a day in a
//! row is paused and the admins are mailed once.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::outbox_worker::retry_delay;
use crate::db::models::outbox::insert_mails;
use crate::db::models::user::User;
use crate::db::models::webhook_delivery::{
    Attempt, ClaimedDelivery, claim_due, record_attempt, release,
};
use crate::db::models::webhook_endpoint;
use crate::db::{DbConnection, Pool, now_unix, run_blocking, write_transaction};
use crate::domain::webhook::DeliveryStatus;
use crate::mail::compose::MailSetup;
use crate::mail::staff_mail::{PausedEndpoint, webhook_paused_mail};
use crate::webhooks::post::{EndpointPolicy, Outcome, attempt};

const BATCH: i64 = 20;
/// Posts in flight at once: each is mostly waiting on the receiver.
const PARALLEL_POSTS: usize = 8;
/// Deliveries written by any instance are looked for this often (this
/// instance's own handlers, sweeps and inbound mail also wake the worker at
/// once: `jobs::wakeups`).
const POLL: Duration = Duration::from_millis(250);
/// An endpoint failing this long without a success is paused.
const PAUSE_AFTER_SECONDS: i64 = 24 * 3600;

pub struct WebhookConfig {
    /// The client's timeout for one post.
    pub timeout_seconds: i64,
    pub max_attempts: i32,
    pub retry_seconds: i64,
    pub policy: EndpointPolicy,
}

pub struct WebhookWorker {
    pub pool: Pool,
    pub client: reqwest::Client,
    pub config: WebhookConfig,
    /// For the admins' mail when an endpoint is paused.
    pub setup: MailSetup,
    pub outbox_wakeup: Arc<Notify>,
    /// Rung after this instance queues lead events (`Wakeups::work_queued`).
    pub wakeup: Arc<Notify>,
}

impl WebhookWorker {
    pub fn spawn(self: Arc<Self>, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move { self.run(shutdown).await })
    }

    async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let claimed = self.deliver_batch(&shutdown).await;
            if claimed < BATCH as usize {
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    _ = self.wakeup.notified() => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Claims, posts and records one batch; answers how many were claimed.
    /// Tests call it to deliver at once instead of waiting for the poll.
    pub async fn run_once(&self) -> usize {
        let (_, never) = watch::channel(false);
        self.deliver_batch(&never).await
    }

    async fn deliver_batch(&self, shutdown: &watch::Receiver<bool>) -> usize {
        let now = now_unix();
        // Long enough for every round of a batch's posts to time out.
        let rounds = BATCH / PARALLEL_POSTS as i64 + 1;
        let lease = self.config.timeout_seconds * rounds + 30;
        let claimed = match run_blocking(&self.pool, move |conn| {
            Ok(claim_due(conn, now, now + lease, BATCH)?)
        })
        .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(error = %error, "webhooks: cannot claim deliveries");
                return 0;
            }
        };
        let count = claimed.len();
        let mut waiting = claimed.into_iter();
        let mut posting = FuturesUnordered::new();
        let mut outcomes = Vec::new();
        loop {
            while posting.len() < PARALLEL_POSTS && !*shutdown.borrow() {
                match waiting.next() {
                    Some(delivery) => posting.push(self.post(delivery)),
                    None => break,
                }
            }
            match posting.next().await {
                Some(outcome) => outcomes.push(outcome),
                None => break,
            }
        }
        self.record(outcomes).await;
        let unposted: Vec<i64> = waiting.map(|d| d.id).collect();
        if !unposted.is_empty() {
            let released = run_blocking(&self.pool, move |conn| Ok(release(conn, &unposted)?));
            if let Err(error) = released.await {
                tracing::warn!(error = %error, "webhooks: cannot hand deliveries back; their lease will expire");
            }
        }
        count
    }

    #[tracing::instrument(name = "webhook_post", skip_all, fields(delivery_id = delivery.id, endpoint_id = delivery.endpoint_id, event = %delivery.event_type))]
    async fn post(&self, delivery: ClaimedDelivery) -> (ClaimedDelivery, Outcome, i64) {
        let now = now_unix();
        let outcome = attempt(
            &self.client,
            &delivery,
            self.config.policy,
            &self.setup.public_base,
            now,
        )
        .await;
        match &outcome {
            Outcome::Delivered { code } => tracing::info!(code, "webhook delivered"),
            Outcome::Gone => tracing::warn!("webhook endpoint answered 410 Gone; switching it off"),
            Outcome::Failed { code, error } => {
                tracing::warn!(code, %error, attempts = delivery.attempts + 1, "webhook not delivered")
            }
        }
        (delivery, outcome, now)
    }

    /// Records a batch's outcomes in one transaction.
    async fn record(&self, outcomes: Vec<(ClaimedDelivery, Outcome, i64)>) {
        if outcomes.is_empty() {
            return;
        }
        let max_attempts = self.config.max_attempts;
        let retry_seconds = self.config.retry_seconds;
        let setup = self.setup.clone();
        let recorded = run_blocking(&self.pool, move |conn| {
            write_transaction(conn, |conn| {
                let mut mailed = false;
                for (delivery, outcome, now) in &outcomes {
                    mailed |= settle(
                        conn,
                        delivery,
                        outcome,
                        *now,
                        (max_attempts, retry_seconds),
                        &setup,
                    )?;
                }
                Ok::<_, anyhow::Error>(mailed)
            })
        })
        .await;
        match recorded {
            Ok(true) => self.outbox_wakeup.notify_one(),
            Ok(false) => {}
            // The leases expire and the deliveries are posted again; the
            // receiver drops a duplicate by its webhook-id.
            Err(error) => tracing::error!(error = %error, "webhooks: cannot record outcomes"),
        }
    }
}

/// Records one outcome; answers whether the admins were mailed.
fn settle(
    conn: &mut DbConnection,
    delivery: &ClaimedDelivery,
    outcome: &Outcome,
    now: i64,
    (max_attempts, retry_seconds): (i32, i64),
    setup: &MailSetup,
) -> anyhow::Result<bool> {
    let endpoint_id = delivery.endpoint_id;
    let attempts = delivery.attempts + 1;
    match outcome {
        Outcome::Delivered { code } => {
            let attempt = Attempt {
                response_code: Some(i32::from(*code)),
                error: None,
                now,
                status: DeliveryStatus::Delivered,
                retry_at: now,
            };
            record_attempt(conn, delivery.id, &attempt)?;
            webhook_endpoint::record_success(conn, endpoint_id)?;
            Ok(false)
        }
        Outcome::Gone => {
            let attempt = Attempt {
                response_code: Some(410),
                error: Some("the receiver answered 410 Gone"),
                now,
                status: DeliveryStatus::Dead,
                retry_at: now,
            };
            record_attempt(conn, delivery.id, &attempt)?;
            webhook_endpoint::switch_off(conn, endpoint_id, "the receiver answered 410 Gone", now)?;
            Ok(false)
        }
        Outcome::Failed { code, error } => {
            let retry = attempts < max_attempts;
            let attempt = Attempt {
                response_code: code.map(i32::from),
                error: Some(error),
                now,
                status: if retry {
                    DeliveryStatus::Pending
                } else {
                    DeliveryStatus::Dead
                },
                retry_at: if retry {
                    now + retry_delay(attempts, retry_seconds)
                } else {
                    now
                },
            };
            record_attempt(conn, delivery.id, &attempt)?;
            let failing_since = webhook_endpoint::record_failure(conn, endpoint_id, now)?;
            if now - failing_since < PAUSE_AFTER_SECONDS {
                return Ok(false);
            }
            let since = crate::format::format_time(failing_since);
            let reason = format!("paused: every delivery failed since {since}");
            if !webhook_endpoint::switch_off(conn, endpoint_id, &reason, now)? {
                return Ok(false);
            }
            let paused = PausedEndpoint {
                url: &delivery.endpoint.url,
                description: &delivery.endpoint.description,
                since: &since,
                last_error: error,
            };
            let mails = User::active(conn)?
                .into_iter()
                .filter(User::is_admin)
                .map(|admin| webhook_paused_mail(&admin.name, &admin.email, &paused, setup))
                .collect::<anyhow::Result<Vec<_>>>()?;
            insert_mails(conn, &mails, now)?;
            Ok(true)
        }
    }
}
