//! The outbox worker: one tokio task per running instance. It claims due mails
//! with a lease, sends them, and marks each sent, or schedules a retry with
//! capped exponential backoff, or declares it dead after the last attempt.
//! A crash mid-send leaves the lease to expire; the mail is then sent again
//! with the same Message-ID (at-least-once delivery).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::time::Instant;

use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::transport::{MailTransport, build_message};
use crate::db::escalation::{escalate, overdue_unescalated};
use crate::db::gdpr::apply_retention;
use crate::db::group_commit::GroupCommitter;
use crate::db::outbox::{Failure, OutboxMail, claim_due, mark_failed, mark_sent, release};
use crate::db::{DbConnection, Pool, now_unix, run_blocking, write_transaction};
use crate::domain::lead_kind::LeadKind;
use crate::domain::masking::mask_email;
use crate::domain::response_clock::{Clock, ResponseTargets};
use crate::mail::compose::{ComposeSettings, escalation_mails};
use crate::views::admin::format_time;

/// Mails claimed per round; a full batch means "look again at once".
const BATCH: i64 = 20;
/// Mails sent at once. An SMTP exchange is mostly round trips, so a few in
/// parallel keep a burst of leads from queueing behind each other.
pub const PARALLEL_SENDS: usize = 8;
/// Even with no wake-up (e.g. a lead stored by another instance) the worker
/// looks at least this often.
const POLL: Duration = Duration::from_secs(1);
const MAX_RETRY_DELAY_SECONDS: i64 = 3600;

pub struct WorkerConfig {
    pub max_attempts: i32,
    pub retry_seconds: i64,
    pub lease_seconds: i64,
    pub housekeeping: Housekeeping,
}

/// The periodic jobs beside sending: escalating overdue leads, and retention.
pub struct Housekeeping {
    pub targets: ResponseTargets,
    pub retention_days: Option<i64>,
    pub public_base: String,
    pub sales_inbox: String,
    pub mail_domain: String,
}

/// How often overdue leads are looked for.
const ESCALATION_SWEEP: Duration = Duration::from_secs(5);
/// How often the retention policy runs (and once at start).
const RETENTION_SWEEP: Duration = Duration::from_secs(24 * 60 * 60);

pub struct OutboxWorker {
    pub pool: Pool,
    /// On SQLite, the worker's claims and records join the submissions' group
    /// commits: one disk sync for both instead of the two queueing for the
    /// single writer.
    pub group_commit: Option<GroupCommitter>,
    pub transport: MailTransport,
    /// The transport URL, to keep its credentials out of stored errors.
    pub mail_url: String,
    pub from: Mailbox,
    pub config: WorkerConfig,
    pub wakeup: Arc<Notify>,
}

/// Delay before attempt `attempts + 1`: base × 2^(attempts−1), capped at an
/// hour, less up to a fifth at random so retries from many rows spread out.
pub fn retry_delay(attempts: i32, base_seconds: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let capped = base_seconds
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_DELAY_SECONDS);
    let jitter = rand::random_range(0..=capped / 5);
    (capped - jitter).max(1)
}

impl OutboxWorker {
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(self.run(shutdown))
    }

    async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut next_escalation = Instant::now();
        let mut next_retention = Instant::now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            if Instant::now() >= next_escalation {
                next_escalation = Instant::now() + ESCALATION_SWEEP;
                self.escalate_overdue().await;
            }
            if Instant::now() >= next_retention {
                next_retention = Instant::now() + RETENTION_SWEEP;
                self.apply_retention().await;
            }
            let now = now_unix();
            let lease_until = now + self.config.lease_seconds;
            let claimed = match self
                .write(move |conn| Ok(claim_due(conn, now, lease_until, BATCH)?))
                .await
            {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(error = %error, "outbox: cannot claim mails");
                    Vec::new()
                }
            };
            let full = claimed.len() as i64 == BATCH;
            if !self.deliver_all(claimed, &shutdown).await {
                return;
            }
            if !full {
                tokio::select! {
                    _ = self.wakeup.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Sends a claimed batch, several mails at once (each SMTP exchange is
    /// mostly waiting). On shutdown, starts no new send, lets those under way
    /// finish, hands the rest back, and answers `false`.
    async fn deliver_all(
        &self,
        claimed: Vec<OutboxMail>,
        shutdown: &watch::Receiver<bool>,
    ) -> bool {
        let mut waiting = claimed.into_iter();
        let mut sending = FuturesUnordered::new();
        let mut outcomes = Vec::new();
        loop {
            while sending.len() < PARALLEL_SENDS && !*shutdown.borrow() {
                match waiting.next() {
                    Some(mail) => sending.push(self.deliver(mail)),
                    None => break,
                }
            }
            match sending.next().await {
                Some(outcome) => outcomes.push(outcome),
                None => break,
            }
        }
        self.record(outcomes).await;
        if !*shutdown.borrow() {
            return true;
        }
        let ids: Vec<i64> = waiting.map(|m| m.id).collect();
        if !ids.is_empty() {
            if let Err(error) = run_blocking(&self.pool, move |conn| Ok(release(conn, &ids)?)).await
            {
                tracing::warn!(error = %error, "outbox: cannot release claimed mails; their lease will expire");
            }
        }
        false
    }

    /// Runs a write: in the next group commit where there is one.
    async fn write<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
    {
        match &self.group_commit {
            Some(group) => group.run(work).await,
            None => run_blocking(&self.pool, work).await,
        }
    }

    async fn escalate_overdue(&self) {
        let h = &self.config.housekeeping;
        let targets = h.targets;
        let now = now_unix();
        let overdue = match run_blocking(&self.pool, move |conn| {
            Ok(overdue_unescalated(conn, &targets, now, 100)?)
        })
        .await
        {
            Ok(overdue) => overdue,
            Err(error) => {
                tracing::warn!(error = %error, "cannot look for overdue leads");
                return;
            }
        };
        for lead in overdue {
            let kind = LeadKind::from_db(&lead.kind).unwrap_or(LeadKind::Inquiry);
            let late = Clock::of(kind, "new", lead.created_at, &targets, now).describe();
            let late = late.trim_start_matches("overdue by ").to_owned();
            let compose = ComposeSettings {
                sales_inbox: &h.sales_inbox,
                mail_domain: &h.mail_domain,
            };
            let mails = match escalation_mails(
                &lead,
                &late,
                &format_time(lead.created_at),
                &h.public_base,
                &compose,
            ) {
                Ok(mails) => mails,
                Err(error) => {
                    tracing::error!(error = %error, lead_id = lead.id, "cannot write the escalation mail");
                    continue;
                }
            };
            let lead_id = lead.id;
            match run_blocking(&self.pool, move |conn| {
                Ok(escalate(conn, lead_id, &mails, now)?)
            })
            .await
            {
                Ok(true) => {
                    tracing::info!(lead_id, "overdue lead escalated");
                    self.wakeup.notify_one();
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(error = %error, lead_id, "cannot escalate"),
            }
        }
    }

    async fn apply_retention(&self) {
        let Some(days) = self.config.housekeeping.retention_days else {
            return;
        };
        let now = now_unix();
        match run_blocking(&self.pool, move |conn| {
            Ok(apply_retention(conn, days, now)?)
        })
        .await
        {
            Ok(outcome) => tracing::info!(
                spam_purged = outcome.spam_purged,
                contacts_erased = outcome.contacts_erased,
                retention_days = days,
                "retention applied"
            ),
            Err(error) => tracing::error!(error = %error, "retention failed"),
        }
    }

    /// Sends one mail; the outcome is recorded with the rest of its batch.
    #[tracing::instrument(name = "outbox_send", skip_all, fields(outbox_id = mail.id, mail = %mail.kind, to = %mask_email(&mail.to_addr)))]
    async fn deliver(&self, mail: OutboxMail) -> (OutboxMail, Result<(), String>) {
        let outcome = match build_message(&mail, &self.from) {
            Ok(message) => self.transport.send(message, &self.mail_url).await,
            Err(problem) => Err(problem),
        };
        match &outcome {
            Ok(()) => tracing::info!("mail sent"),
            Err(error) => {
                tracing::warn!(attempts = mail.attempts + 1, error = %error, "mail not sent")
            }
        }
        (mail, outcome)
    }

    /// Records a batch's outcomes in one transaction: one disk sync for the
    /// batch instead of one per mail.
    async fn record(&self, outcomes: Vec<(OutboxMail, Result<(), String>)>) {
        if outcomes.is_empty() {
            return;
        }
        let now = now_unix();
        let max_attempts = self.config.max_attempts;
        let retry_seconds = self.config.retry_seconds;
        let recorded = self
            .write(move |conn| {
                write_transaction(conn, |conn| {
                    for (mail, outcome) in &outcomes {
                        match outcome {
                            Ok(()) => mark_sent(conn, mail.id, now)?,
                            Err(error) => {
                                let attempts = mail.attempts + 1;
                                let retry_at = (attempts < max_attempts)
                                    .then(|| now + retry_delay(attempts, retry_seconds));
                                if retry_at.is_none() {
                                    tracing::error!(
                                        outbox_id = mail.id,
                                        attempts,
                                        "mail not sent; no attempts left, marked dead"
                                    );
                                }
                                mark_failed(
                                    conn,
                                    mail,
                                    &Failure {
                                        error,
                                        now,
                                        retry_at,
                                    },
                                )?;
                            }
                        }
                    }
                    Ok::<_, diesel::result::Error>(())
                })?;
                Ok(())
            })
            .await;
        if let Err(error) = recorded {
            // The leases will expire and the mails be tried again; a receiver
            // drops a duplicate by its Message-ID.
            tracing::error!(error = %error, "outbox: cannot record the outcome of sends");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_from_the_base_and_stop_at_an_hour() {
        for _ in 0..50 {
            let first = retry_delay(1, 30);
            assert!((24..=30).contains(&first), "{first}");
            let third = retry_delay(3, 30);
            assert!((96..=120).contains(&third), "{third}");
            let late = retry_delay(30, 30);
            assert!((2880..=3600).contains(&late), "{late}");
        }
    }
}
