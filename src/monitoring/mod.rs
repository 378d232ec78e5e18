//! Prometheus metrics: what this instance counted (requests, submits, mails),
//! kept by the `metrics` crate's recorder, plus gauges about the shared state
//! (outbox, overdue leads) read from the database at scrape time, so every
//! instance reports the same numbers for them.

pub mod record;
pub mod shared_state;
