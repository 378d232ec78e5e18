//! The timers beside sending: escalating overdue leads every few seconds, and
//! the retention policy once a day (and once at start).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::wakeups::Wakeups;
use crate::db::{Pool, now_unix, run_blocking};
use crate::domain::response_clock::ResponseTargets;
use crate::mail::compose::MailSetup;
use crate::mail::transport::remove_file_copies;
use crate::workflow::escalate::escalate_overdue;
use crate::workflow::follow_up::remind_follow_ups;
use crate::workflow::retention::apply_retention;

/// How often the retention policy runs.
const RETENTION_SWEEP: Duration = Duration::from_secs(24 * 60 * 60);
/// The query planner's statistics follow the tables as they grow.
const STATISTICS_REFRESH: Duration = Duration::from_secs(60 * 60);

#[derive(Clone)]
pub struct Housekeeping {
    pub pool: Pool,
    pub targets: ResponseTargets,
    /// `None`: personal data is kept until erased on request.
    pub retention_days: Option<i64>,
    pub setup: MailSetup,
    /// Where mail goes: erased contacts' file copies are removed there.
    pub mail_url: String,
    /// Tells the workers that escalation mails and events are waiting.
    pub wakeups: Wakeups,
    /// A follow-up this late goes to the sales inbox too.
    pub follow_up_grace_seconds: i64,
    /// How often overdue leads and due follow-ups are looked for.
    pub sweep_every: Duration,
    /// Turns true once the sweep made at start has finished.
    pub swept_at_start: Arc<watch::Sender<bool>>,
}

impl Housekeeping {
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut escalation = tokio::time::interval(self.sweep_every);
            let mut retention = tokio::time::interval(RETENTION_SWEEP);
            let mut statistics = tokio::time::interval(STATISTICS_REFRESH);
            // At start, catch up on what came due while the app was down;
            // the first tick of each interval is this sweep.
            self.escalate_now().await;
            self.remind_now().await;
            self.retain_now().await;
            self.swept_at_start.send_replace(true);
            escalation.tick().await;
            retention.tick().await;
            statistics.tick().await; // the first is taken at start
            loop {
                tokio::select! {
                    _ = escalation.tick() => {
                        self.escalate_now().await;
                        self.remind_now().await;
                    }
                    _ = retention.tick() => self.retain_now().await,
                    _ = statistics.tick() => {
                        let refreshed = run_blocking(&self.pool, |conn| {
                            Ok(crate::db::refresh_planner_statistics(conn)?)
                        })
                        .await;
                        if let Err(error) = refreshed {
                            tracing::warn!(error = %error, "cannot refresh the planner's statistics");
                        }
                    }
                    _ = shutdown.changed() => return,
                }
            }
        })
    }

    /// Waits until the sweep made at start has finished: a test seeds after
    /// it, so that sweep cannot race what the test seeds.
    pub async fn start_sweep_done(&self) {
        let mut swept = self.swept_at_start.subscribe();
        // Err only if the sender is gone, and this value holds it.
        let _ = swept.wait_for(|done| *done).await;
    }

    /// Reminds owners of follow-ups due (and sales of late ones); answers
    /// the mails queued.
    pub async fn remind_now(&self) -> usize {
        let (grace, setup, now) = (self.follow_up_grace_seconds, self.setup.clone(), now_unix());
        let outcome = run_blocking(&self.pool, move |conn| {
            remind_follow_ups(conn, now, grace, &setup)
        })
        .await;
        match outcome {
            Ok(queued) => {
                if queued > 0 {
                    tracing::info!(mails = queued, "follow-up reminders queued");
                    self.wakeups.work_queued();
                }
                queued
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot send follow-up reminders");
                0
            }
        }
    }

    /// Escalates every overdue lead not yet escalated; answers how many.
    pub async fn escalate_now(&self) -> usize {
        let (targets, setup, now) = (self.targets.clone(), self.setup.clone(), now_unix());
        let outcome = run_blocking(&self.pool, move |conn| {
            escalate_overdue(conn, &targets, now, &setup)
        })
        .await;
        match outcome {
            Ok(escalated) => {
                if !escalated.is_empty() {
                    // A first sweep over years of history may mark thousands:
                    // one line, not one per lead.
                    tracing::info!(
                        leads = escalated.len(),
                        "overdue leads escalated in one digest each to their owners and sales"
                    );
                    self.wakeups.work_queued();
                }
                escalated.len()
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot escalate overdue leads");
                0
            }
        }
    }

    /// Applies the retention policy, if one is set.
    pub async fn retain_now(&self) {
        let Some(days) = self.retention_days else {
            return;
        };
        let now = now_unix();
        match run_blocking(&self.pool, move |conn| {
            Ok(apply_retention(conn, days, now)?)
        })
        .await
        {
            Ok(outcome) => {
                let url = self.mail_url.clone();
                let ids = outcome.mail_ids;
                let removed = tokio::task::spawn_blocking(move || remove_file_copies(&url, &ids))
                    .await
                    .map_err(std::io::Error::other)
                    .and_then(|removed| removed);
                if let Err(error) = removed {
                    tracing::error!(%error, "erased contacts' mail copies could not be removed");
                }
                tracing::info!(
                    spam_purged = outcome.spam_purged,
                    contacts_erased = outcome.contacts_erased,
                    retention_days = days,
                    "retention applied"
                )
            }
            Err(error) => tracing::error!(error = %error, "retention failed"),
        }
    }
}
