//! `reportdesk generate …`: data for benchmarks and demos. Leads get a
//! realistic spread of kinds, statuses, countries and dates (over the last
//! year), reproducible from a seed.

use anyhow::Context;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::schema::{contacts, leads, reports};
use crate::db::{DbConnection, now_unix, write_transaction};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::licence::Licence;
use crate::security::form_token::FormTokens;

const BATCH: usize = 500;
const DAY: i64 = 86_400;
const COUNTRIES: [&str; 12] = [
    "US", "GB", "DE", "FR", "IN", "JP", "CN", "BR", "AU", "CA", "AE", "ZA",
];
const COMPANY_WORDS: [&str; 12] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Wonka",
];

/// Multi-row INSERT, which the multi-backend connection does not offer: the
/// statement is run on the concrete connection underneath.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            DbConnection::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

/// Picks by weight: the spread of a real desk, mostly new and contacted.
fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (choice, weight) in choices {
        if roll < *weight {
            return *choice;
        }
        roll -= weight;
    }
    choices[0].0
}

/// Inserts `count` leads from about `count / 3` contacts; returns how many.
pub fn generate_leads(conn: &mut DbConnection, count: usize, seed: u64) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let report_id: i64 = reports::table
        .select(reports::id)
        .first(conn)
        .context("import a report first")?;
    let now = now_unix();
    let run = format!("{seed:x}-{now:x}");
    let contact_count = (count / 3).max(1);
    let mut contact_ids = Vec::with_capacity(contact_count);
    for chunk_start in (0..contact_count).step_by(BATCH) {
        let chunk: Vec<_> = (chunk_start..(chunk_start + BATCH).min(contact_count))
            .map(|n| {
                let word = COMPANY_WORDS[n % COMPANY_WORDS.len()];
                let company = format!("{word} {}", n / COMPANY_WORDS.len());
                let domain = format!("{}{}.example", word.to_lowercase(), n % 5000);
                (
                    contacts::email_normalized.eq(format!("buyer{n}-{run}@{domain}")),
                    contacts::email_domain.eq(domain),
                    contacts::name.eq(format!("Buyer {n}")),
                    contacts::company.eq(company),
                    contacts::country.eq(COUNTRIES[n % COUNTRIES.len()]),
                    contacts::created_at.eq(now),
                    contacts::updated_at.eq(now),
                )
            })
            .collect();
        let emails: Vec<String> = (chunk_start..(chunk_start + chunk.len()))
            .map(|n| {
                let word = COMPANY_WORDS[n % COMPANY_WORDS.len()];
                format!("buyer{n}-{run}@{}{}.example", word.to_lowercase(), n % 5000)
            })
            .collect();
        let ids = write_transaction(conn, |conn| {
            insert_batch!(&mut *conn, contacts::table, &chunk)?;
            contacts::table
                .filter(contacts::email_normalized.eq_any(&emails))
                .order(contacts::id)
                .select(contacts::id)
                .load::<i64>(conn)
        })?;
        contact_ids.extend(ids);
    }

    let kinds = [
        (LeadKind::SampleRequest, 40),
        (LeadKind::Inquiry, 35),
        (LeadKind::Discount, 25),
    ];
    let statuses = [
        (LeadStatus::New, 30),
        (LeadStatus::Contacted, 20),
        (LeadStatus::Qualified, 15),
        (LeadStatus::Proposal, 10),
        (LeadStatus::Won, 5),
        (LeadStatus::Lost, 12),
        (LeadStatus::Spam, 8),
    ];
    for chunk_start in (0..count).step_by(BATCH) {
        let chunk: Vec<_> = (chunk_start..(chunk_start + BATCH).min(count))
            .map(|n| {
                let kind = weighted(&mut rng, &kinds);
                let status = weighted(&mut rng, &statuses);
                let created_at = now - rng.random_range(0..365 * DAY);
                let answered = (status != LeadStatus::New && status != LeadStatus::Spam)
                    .then(|| created_at + rng.random_range(600..3 * DAY));
                (
                    leads::contact_id.eq(contact_ids[rng.random_range(0..contact_ids.len())]),
                    leads::report_id.eq(report_id),
                    leads::kind.eq(kind),
                    leads::status.eq(status),
                    leads::message.eq("Please send the figures for our region."),
                    leads::licence.eq((kind == LeadKind::Discount).then_some(Licence::Multi)),
                    leads::score.eq(rng.random_range(0..=100)),
                    leads::spam_reason
                        .eq((status == LeadStatus::Spam).then_some("honeypot field was filled")),
                    leads::consent_text_version.eq("generated"),
                    leads::consent_at.eq(created_at),
                    leads::form_token_hash.eq(format!("generated-{run}-{n}")),
                    (
                        leads::created_at.eq(created_at),
                        leads::updated_at.eq(created_at),
                        leads::first_response_at.eq(answered),
                    ),
                )
            })
            .collect();
        write_transaction(conn, |conn| insert_batch!(conn, leads::table, &chunk))?;
    }
    Ok(count)
}

/// Signed form tokens issued now, one per line, for load generators that post
/// forms without opening them first.
pub fn form_tokens(secret_key: &[u8], kind: LeadKind, report_id: i64, count: usize) -> Vec<String> {
    let tokens = FormTokens::new(secret_key);
    let now = now_unix();
    (0..count)
        .map(|_| tokens.issue(kind, report_id, now))
        .collect()
}
