//! `reportdesk generate reports --count N`: a catalogue of realistic test
//! reports (the bundled report's structure with other markets, regions,
//! industries and figures), reproducible from a seed, for the catalogue
//! benchmarks and demos.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::content::BUNDLED_REPORT;
use crate::db::models::report::upsert_report;
use crate::db::{DbConnection, write_transaction};
use crate::domain::report::{ReportDocument, Segmentation};

const MARKETS: [(&str, &str); 12] = [
    ("Telehealth Platforms", "Healthcare"),
    ("Clinical Trial Software", "Healthcare"),
    ("Medical Imaging AI", "Healthcare"),
    ("Battery Energy Storage", "Energy"),
    ("Offshore Wind Services", "Energy"),
    ("Green Hydrogen", "Energy"),
    ("Industrial Robotics", "Manufacturing"),
    ("Additive Manufacturing", "Manufacturing"),
    ("Cloud Security", "Information Technology"),
    ("Edge Computing", "Information Technology"),
    ("Plant-Based Protein", "Food and Beverage"),
    ("Cold Chain Logistics", "Transport and Logistics"),
];
const REGIONS: [&str; 6] = [
    "Global",
    "North American",
    "European",
    "Asia-Pacific",
    "Latin American",
    "Middle East",
];

/// Segment entries a generated report draws from: its industry's end users,
/// and ways of buying that every industry shares, so related reports have
/// segments in common as real ones do.
const END_USERS: [(&str, [&str; 5]); 6] = [
    (
        "Healthcare",
        [
            "Hospitals & Clinics",
            "Diagnostic Centers",
            "Payers",
            "Research Institutes",
            "Individual Patients",
        ],
    ),
    (
        "Energy",
        [
            "Utilities",
            "Independent Power Producers",
            "Commercial & Industrial",
            "Residential",
            "Grid Operators",
        ],
    ),
    (
        "Manufacturing",
        [
            "Automotive",
            "Aerospace",
            "Electronics",
            "Consumer Goods",
            "Industrial Machinery",
        ],
    ),
    (
        "Information Technology",
        [
            "Banking & Finance",
            "Government",
            "Retail",
            "Telecom",
            "Healthcare Providers",
        ],
    ),
    (
        "Food and Beverage",
        [
            "Retail Chains",
            "Food Service",
            "Food Processors",
            "Online Grocery",
            "Convenience Stores",
        ],
    ),
    (
        "Transport and Logistics",
        [
            "Pharmaceuticals",
            "Retail Chains",
            "Food Processors",
            "Third-Party Logistics",
            "E-commerce",
        ],
    ),
];
const DEPLOYMENTS: [&str; 5] = [
    "Cloud-Based",
    "On-Premise",
    "Hybrid",
    "Large Enterprises",
    "Small & Medium Enterprises",
];

/// Three of `pool`, drawn without repeats, in the pool's order.
fn three_of(rng: &mut StdRng, pool: &[&str]) -> Vec<String> {
    let mut picked: Vec<usize> = rand::seq::index::sample(rng, pool.len(), 3).into_vec();
    picked.sort();
    picked.into_iter().map(|i| pool[i].to_owned()).collect()
}

fn segmentations(rng: &mut StdRng, industry: &str) -> Vec<Segmentation> {
    let users = END_USERS
        .iter()
        .find(|(name, _)| *name == industry)
        .map_or(&END_USERS[0].1, |(_, users)| users);
    vec![
        Segmentation {
            name: "By End User".into(),
            entries: three_of(rng, users),
        },
        Segmentation {
            name: "By Deployment".into(),
            entries: three_of(rng, &DEPLOYMENTS),
        },
    ]
}

/// Writes `count` reports, 200 to a transaction; answers how many.
pub fn generate_reports(conn: &mut DbConnection, count: usize, seed: u64) -> anyhow::Result<usize> {
    let base = ReportDocument::parse_toml(BUNDLED_REPORT)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut made = 0;
    while made < count {
        let batch = (count - made).min(200);
        write_transaction(conn, |conn| -> anyhow::Result<()> {
            for i in made..made + batch {
                let (market, industry) = MARKETS[rng.random_range(0..MARKETS.len())];
                let region = REGIONS[rng.random_range(0..REGIONS.len())];
                let start = rng.random_range(1.0..40.0_f64);
                let cagr = rng.random_range(3.0..25.0_f64);
                let end = start * (1.0 + cagr / 100.0).powi(10);
                let mut doc = base.clone();
                doc.title = format!("{region} {market} Market, 2025–2035 (Edition {})", i + 1);
                doc.slug = format!(
                    "{}-{}-market-{}",
                    region.to_lowercase().replace(' ', "-"),
                    market.to_lowercase().replace(' ', "-"),
                    i + 1
                );
                doc.summary = format!(
                    "The {region} {} market is projected to grow from USD {start:.2} billion in 2025 to USD {end:.2} billion by 2035, a CAGR of {cagr:.2}%.",
                    market.to_lowercase()
                );
                doc.industry = Some(industry.to_owned());
                doc.sections.segmentations = segmentations(&mut rng, industry);
                doc.report_code = Some(format!("MR-GEN-{:05}", i + 1));
                doc.market.start_value = (start * 100.0).round() / 100.0;
                doc.market.end_value = (end * 100.0).round() / 100.0;
                doc.market.cagr_percent = (cagr * 100.0).round() / 100.0;
                upsert_report(conn, &doc)?;
            }
            Ok(())
        })?;
        made += batch;
    }
    Ok(made)
}
