//! `reportdesk generate …`: data for benchmarks and demos. Leads get a
//! realistic spread of kinds, statuses, countries and dates (over the last
//! year), reproducible from a seed.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::models::contact::BulkContact;
use crate::db::models::lead::BulkLead;
use crate::db::models::report::ReportRow;
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
    let report_id = ReportRow::ids_and_titles(conn)?
        .first()
        .map(|(id, _)| *id)
        .context("import a report first")?;
    let now = now_unix();
    let run = format!("{seed:x}-{now:x}");
    let owners: Vec<i64> = crate::db::models::user::User::active(conn)?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let contact_count = (count / 3).max(1);
    let mut contact_ids = Vec::with_capacity(contact_count);
    for chunk_start in (0..contact_count).step_by(BATCH) {
        let chunk: Vec<BulkContact> = (chunk_start..(chunk_start + BATCH).min(contact_count))
            .map(|n| {
                let word = COMPANY_WORDS[n % COMPANY_WORDS.len()];
                let domain = format!("{}{}.example", word.to_lowercase(), n % 5000);
                BulkContact {
                    email_normalized: format!("buyer{n}-{run}@{domain}"),
                    email_domain: domain,
                    name: format!("Buyer {n}"),
                    company: format!("{word} {}", n / COMPANY_WORDS.len()),
                    country: COUNTRIES[n % COUNTRIES.len()].to_owned(),
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        let ids = write_transaction(conn, |conn| BulkContact::insert_all(conn, &chunk))?;
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
        let chunk: Vec<BulkLead> = (chunk_start..(chunk_start + BATCH).min(count))
            .map(|n| {
                let kind = weighted(&mut rng, &kinds);
                let status = weighted(&mut rng, &statuses);
                let created_at = now - rng.random_range(0..365 * DAY);
                let answered = (status != LeadStatus::New && status != LeadStatus::Spam)
                    .then(|| created_at + rng.random_range(600..3 * DAY));
                BulkLead {
                    contact_id: contact_ids[rng.random_range(0..contact_ids.len())],
                    report_id,
                    kind,
                    status,
                    message: Some("Please send the figures for our region.".to_owned()),
                    licence: (kind == LeadKind::Discount).then_some(Licence::Multi),
                    score: rng.random_range(0..=100),
                    spam_reason: (status == LeadStatus::Spam)
                        .then(|| "honeypot field was filled".to_owned()),
                    consent_text_version: "generated".to_owned(),
                    consent_at: created_at,
                    form_token_hash: format!("generated-{run}-{n}"),
                    created_at,
                    updated_at: created_at,
                    first_response_at: answered,
                    // Most leads have an owner among the desk's users; a few
                    // open ones have a reply from the buyer waiting.
                    assignee_id: (!owners.is_empty() && rng.random_range(0..100) < 85)
                        .then(|| owners[rng.random_range(0..owners.len())]),
                    buyer_replied_at: (answered.is_some()
                        && status.awaits_contact()
                        && rng.random_range(0..100) < 4)
                        .then(|| created_at + 3 * DAY),
                }
            })
            .collect();
        write_transaction(conn, |conn| BulkLead::insert_all(conn, &chunk))?;
    }
    // Next steps due 340 days after creation: some late, most ahead.
    write_transaction(conn, |conn| {
        crate::db::models::follow_up::plan_generated(conn, &run, 340 * DAY)?;
        crate::db::models::lead_event::escalate_generated(conn, &run, now - DAY)
    })?;
    crate::db::refresh_planner_statistics(conn)?;
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
