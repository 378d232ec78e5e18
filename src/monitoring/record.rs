//! The counters and histograms this instance keeps, and the one recorder
//! they go to (process-wide: the `metrics` macros write to a global).

use std::sync::OnceLock;

use metrics::{counter, describe_counter, describe_histogram, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::domain::lead_kind::LeadKind;

const HTTP_REQUESTS: &str = "reportdesk_http_requests_total";
const HTTP_DURATION: &str = "reportdesk_http_request_duration_seconds";
const LEADS_CREATED: &str = "reportdesk_leads_created_total";
const SPAM_HELD: &str = "reportdesk_spam_held_total";
const SUBMIT_DURATION: &str = "reportdesk_submit_duration_seconds";
const MAIL_SENT: &str = "reportdesk_mail_sent_total";
const MAIL_FAILED: &str = "reportdesk_mail_failed_total";
const MAIL_DEAD: &str = "reportdesk_mail_dead_total";
const FIRST_RESPONSE: &str = "reportdesk_first_response_seconds";

/// Request and submit latencies: 1 ms to 30 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Time to the first response: a minute to a week.
const RESPONSE_BUCKETS: [f64; 11] = [
    60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0, 172800.0, 604800.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use; `None` if another
/// recorder was installed first (nothing is then exported).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE.get_or_init(install).as_ref()
}

fn install() -> Option<PrometheusHandle> {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), &LATENCY_BUCKETS)
        .ok()?
        .set_buckets_for_metric(Matcher::Full(SUBMIT_DURATION.into()), &LATENCY_BUCKETS)
        .ok()?
        .set_buckets_for_metric(Matcher::Full(FIRST_RESPONSE.into()), &RESPONSE_BUCKETS)
        .ok()?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).ok()?;
    keep_histograms_drained(handle.clone());
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by route template, method and status class"
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency by route template"
    );
    describe_counter!(LEADS_CREATED, "Leads stored (not spam) by kind");
    describe_counter!(SPAM_HELD, "Submissions held as spam by reason");
    describe_histogram!(
        SUBMIT_DURATION,
        metrics::Unit::Seconds,
        "Time to store a submitted form"
    );
    describe_counter!(MAIL_SENT, "Mails the relay accepted");
    describe_counter!(
        MAIL_FAILED,
        "Failed sending attempts by class (temporary, permanent)"
    );
    describe_counter!(MAIL_DEAD, "Mails that ran out of attempts");
    describe_histogram!(
        FIRST_RESPONSE,
        metrics::Unit::Seconds,
        "Time from a lead to its first response"
    );
    Some(handle)
}

/// Histograms keep every sample until they are drained, which rendering
/// `/metrics` does, or upkeep: with nobody scraping (metrics are off by
/// default) each request would otherwise stay in memory for good — a
/// million requests kept ~8 MB. One thread for the process, as the recorder.
fn keep_histograms_drained(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name(UPKEEP_THREAD.into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(error) = started {
        tracing::error!(%error, "metrics upkeep did not start: histograms grow until scraped");
    }
}

const UPKEEP_THREAD: &str = "metrics-upkeep";
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// One answered request. `route` is the route's template (`/admin/leads/{id}`),
/// or `unmatched`, so buyers' URLs never become label values.
pub fn request(route: &'static str, method: &'static str, status: u16, seconds: f64) {
    if handle().is_none() {
        return;
    }
    let class = match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    let labels = [("route", route), ("method", method), ("status", class)];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_DURATION, &labels[..2]).record(seconds);
}

/// A form stored: a lead of `kind`, or held as spam for `spam` (a reason code).
pub fn lead_stored(kind: LeadKind, spam: Option<&'static str>, seconds: f64) {
    if handle().is_none() {
        return;
    }
    match spam {
        None => counter!(LEADS_CREATED, "kind" => kind.as_db()).increment(1),
        Some(reason) => counter!(SPAM_HELD, "reason" => reason).increment(1),
    }
    histogram!(SUBMIT_DURATION).record(seconds);
}

pub fn mail_sent() {
    if handle().is_some() {
        counter!(MAIL_SENT).increment(1);
    }
}

pub fn mail_failed(permanent: bool, dead: bool) {
    if handle().is_none() {
        return;
    }
    let class = if permanent { "permanent" } else { "temporary" };
    counter!(MAIL_FAILED, "class" => class).increment(1);
    if dead {
        counter!(MAIL_DEAD).increment(1);
    }
}

/// A lead got its first response this long after it came in.
pub fn first_response(seconds: i64) {
    if handle().is_some() {
        histogram!(FIRST_RESPONSE).record(seconds.max(0) as f64);
    }
}

#[cfg(test)]
mod tests {
    /// The names of this process's threads (Linux).
    fn thread_names() -> Vec<String> {
        std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                tasks
                    .flatten()
                    .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
                    .map(|name| name.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn installing_the_recorder_starts_the_thread_that_drains_its_histograms() {
        assert!(super::handle().is_some(), "no other recorder in unit tests");
        super::request("/healthz", "GET", 200, 0.001);
        // A new thread names itself once it runs (std sets the name from inside
        // it), so right after the spawn it may still carry this test's name.
        let named = || {
            thread_names()
                .iter()
                .any(|name| name == super::UPKEEP_THREAD)
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !named() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(named(), "{:?}", thread_names());
    }
}
