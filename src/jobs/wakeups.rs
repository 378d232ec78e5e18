//! The two workers' wake-ups, together: whatever commits mail or lead events
//! (a handler, the housekeeping sweep, inbound mail) tells both at once, so
//! no caller has to know which of its events a webhook carries (a buyer's
//! reply by SMTP is an `email.received`). Other instances' work is found by
//! the workers' polls.

use std::sync::Arc;

use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Wakeups {
    /// Waited on by this instance's outbox worker.
    pub outbox: Arc<Notify>,
    /// Waited on by this instance's webhook worker.
    pub webhooks: Arc<Notify>,
}

impl Wakeups {
    /// After a commit that queued mail or lead events: both workers look at
    /// once. A wake-up with nothing queued costs one empty claim.
    pub fn work_queued(&self) {
        self.outbox.notify_one();
        self.webhooks.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[tokio::test]
    async fn work_queued_wakes_the_outbox_and_the_webhook_worker_alike() {
        let wakeups = super::Wakeups::default();
        wakeups.work_queued();
        for (worker, notify) in [("outbox", &wakeups.outbox), ("webhooks", &wakeups.webhooks)] {
            let woken = tokio::time::timeout(Duration::from_secs(1), notify.notified()).await;
            assert!(woken.is_ok(), "the {worker} worker was not woken");
        }
    }
}
