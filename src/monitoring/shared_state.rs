//! Gauges about what all instances share, read from the database when
//! Prometheus scrapes, in the text exposition format.

use std::fmt::Write;

use diesel::QueryResult;

use crate::db::models::{outbox, webhook_delivery};
use crate::db::queries::overdue;
use crate::db::{DbConnection, Pool};
use crate::domain::lead_kind::LeadKind;
use crate::domain::mail_kind::OutboxStatus;
use crate::domain::response_clock::ResponseTargets;
use crate::domain::webhook::DeliveryStatus;

pub struct SharedState {
    pub outbox_pending: i64,
    pub outbox_oldest_pending_age: i64,
    pub outbox_dead: i64,
    pub overdue: Vec<(LeadKind, i64)>,
    pub webhooks_pending: i64,
    pub webhooks_dead: i64,
    /// Seconds since the newest backup; `None` before the first.
    pub last_backup_age: Option<i64>,
}

pub fn read(
    conn: &mut DbConnection,
    targets: &ResponseTargets,
    now: i64,
) -> QueryResult<SharedState> {
    Ok(SharedState {
        outbox_pending: outbox::count_in(conn, OutboxStatus::Pending)?,
        outbox_oldest_pending_age: outbox::oldest_pending_since(conn)?
            .map_or(0, |since| (now - since).max(0)),
        outbox_dead: outbox::count_in(conn, OutboxStatus::Dead)?,
        overdue: overdue::count_by_kind(conn, targets, now)?,
        webhooks_pending: webhook_delivery::count_in(conn, DeliveryStatus::Pending)?,
        webhooks_dead: webhook_delivery::count_in(conn, DeliveryStatus::Dead)?,
        last_backup_age: crate::db::models::backup_run::last_taken_at(conn)?
            .map(|at| (now - at).max(0)),
    })
}

fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (labels, value) in samples {
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

impl SharedState {
    /// The gauges, with this instance's database pool beside them.
    pub fn render(&self, pool: &Pool) -> String {
        let mut out = String::new();
        let one = |value: i64| vec![(String::new(), value)];
        gauge(
            &mut out,
            "reportdesk_outbox_pending",
            "Mails waiting to be sent",
            &one(self.outbox_pending),
        );
        gauge(
            &mut out,
            "reportdesk_outbox_oldest_pending_age_seconds",
            "Age of the oldest mail waiting to be sent (0 when none waits)",
            &one(self.outbox_oldest_pending_age),
        );
        gauge(
            &mut out,
            "reportdesk_outbox_dead",
            "Mails that ran out of attempts and wait for a person",
            &one(self.outbox_dead),
        );
        let overdue: Vec<(String, i64)> = self
            .overdue
            .iter()
            .map(|(kind, n)| (format!("{{kind=\"{}\"}}", kind.as_db()), *n))
            .collect();
        gauge(
            &mut out,
            "reportdesk_leads_overdue",
            "Open leads past their first-response target, never contacted",
            &overdue,
        );
        gauge(
            &mut out,
            "reportdesk_webhook_deliveries_pending",
            "Webhook deliveries waiting to be posted",
            &one(self.webhooks_pending),
        );
        gauge(
            &mut out,
            "reportdesk_webhook_deliveries_dead",
            "Webhook deliveries that ran out of attempts",
            &one(self.webhooks_dead),
        );
        if let Some(age) = self.last_backup_age {
            gauge(
                &mut out,
                "reportdesk_last_backup_age_seconds",
                "Seconds since the newest backup was taken",
                &one(age),
            );
        }
        let state = pool.state();
        let in_use = i64::from(state.connections.saturating_sub(state.idle_connections));
        let pool_samples = vec![
            ("{state=\"in_use\"}".to_owned(), in_use),
            (
                "{state=\"idle\"}".to_owned(),
                i64::from(state.idle_connections),
            ),
        ];
        gauge(
            &mut out,
            "reportdesk_db_pool_connections",
            "This instance's database connections",
            &pool_samples,
        );
        gauge(
            &mut out,
            "reportdesk_db_pool_max_connections",
            "This instance's database pool size",
            &one(i64::from(pool.max_size())),
        );
        out
    }
}
