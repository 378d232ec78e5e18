//! The outbox worker: one tokio task per running instance. It claims due mails
//! with a lease, sends them, and marks each sent, or schedules a retry with
//! capped exponential backoff, or declares it dead after the last attempt.
//! A crash mid-send leaves the lease to expire; the mail is then sent again
//! with the same Message-ID (at-least-once delivery).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use lettre::message::{DkimConfig, Mailbox};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::db::group_commit::GroupCommitter;
use crate::db::models::lead::Lead;
use crate::db::models::outbox::{Failure, OutboxMail, claim_due, mark_failed, mark_sent, release};
use crate::db::{DbConnection, Pool, now_unix, run_blocking, write_transaction};
use crate::domain::mail_kind::MailKind;
use crate::domain::masking::{mask_email, mask_emails_in};
use crate::mail::transport::{MailTransport, PARALLEL_SENDS, SendError, build_message};
use crate::monitoring::record;
use crate::security::reply_address::ReplyAddresses;

/// Mails claimed per round; a full batch means "look again at once".
const BATCH: i64 = 20;
/// Even with no wake-up (e.g. a lead stored by another instance) the worker
/// looks at least this often.
const POLL: Duration = Duration::from_secs(1);
const MAX_RETRY_DELAY_SECONDS: i64 = 3600;

pub struct WorkerConfig {
    pub max_attempts: i32,
    pub retry_seconds: i64,
    pub lease_seconds: i64,
}

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
    /// The From of mails to buyers: the publisher's name at the same address.
    pub buyer_from: Mailbox,
    /// When set, every mail is DKIM-signed for the From domain.
    pub dkim: Option<Arc<DkimConfig>>,
    /// When inbound mail is set up: each mail's envelope sender is its own
    /// bounce address.
    pub inbound: Option<ReplyAddresses>,
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
    pub fn spawn(self: Arc<Self>, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move { self.run(shutdown).await })
    }

    async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let Some(claimed) = self.deliver_batch(&shutdown).await else {
                return;
            };
            let full = claimed == BATCH as usize;
            if !full {
                tokio::select! {
                    _ = self.wakeup.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Claims, sends and records one batch of due mails; answers how many
    /// were claimed. Tests call it to drain the outbox instead of waiting.
    pub async fn run_once(&self) -> usize {
        let (_, never) = watch::channel(false);
        self.deliver_batch(&never).await.unwrap_or(0)
    }

    /// One batch; `None` once shutdown has begun (what was left is handed back).
    async fn deliver_batch(&self, shutdown: &watch::Receiver<bool>) -> Option<usize> {
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
        let count = claimed.len();
        self.deliver_all(claimed, shutdown).await.then_some(count)
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

    /// Sends one mail; the outcome is recorded with the rest of its batch.
    #[tracing::instrument(name = "outbox_send", skip_all, fields(outbox_id = mail.id, mail = %mail.mail.kind, to = %mask_email(&mail.mail.to_addr)))]
    async fn deliver(&self, mail: OutboxMail) -> (OutboxMail, Result<(), SendError>) {
        let from = if mail.mail.kind.is_to_buyer() {
            &self.buyer_from
        } else {
            &self.from
        };
        let bounce_to = self.inbound.as_ref().map(|own| own.bounce_to(mail.id));
        let outcome = match build_message(&mail.mail, from, bounce_to.as_deref()) {
            Ok(mut message) => {
                if let Some(dkim) = &self.dkim {
                    message.sign(dkim);
                }
                self.transport.send(message, &self.mail_url).await
            }
            // A mail that cannot be written will not be on a retry either.
            Err(problem) => Err(SendError::permanent(problem)),
        };
        match &outcome {
            Ok(()) => tracing::info!("mail sent"),
            Err(error) => {
                let permanent = error.permanent;
                let error = mask_emails_in(&error.message);
                tracing::warn!(attempts = mail.attempts + 1, permanent, %error, "mail not sent")
            }
        }
        (mail, outcome)
    }

    /// Records a batch's outcomes in one transaction: one disk sync for the
    /// batch instead of one per mail.
    async fn record(&self, outcomes: Vec<(OutboxMail, Result<(), SendError>)>) {
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
                            Ok(()) => {
                                record::mail_sent();
                                mark_sent(conn, mail.id, now)?;
                                // Staff's own mail reached the relay: the
                                // first real contact stops the response clock.
                                if let (MailKind::DeskMail, Some(lead_id)) =
                                    (mail.mail.kind, mail.mail.lead_id)
                                {
                                    if let Some(waited) = Lead::record_contact(conn, lead_id, now)?
                                    {
                                        record::first_response(waited);
                                    }
                                }
                            }
                            Err(error) => {
                                let attempts = mail.attempts + 1;
                                // A permanent refusal (5xx) is final at once.
                                let retry_at = (attempts < max_attempts && !error.permanent)
                                    .then(|| now + retry_delay(attempts, retry_seconds));
                                record::mail_failed(error.permanent, retry_at.is_none());
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
                                        error: &error.message,
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
