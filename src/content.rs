//! Report files: the bundled default and `report import FILE`, each with its
//! sample PDF (the file the report names, or one made from its content).

use std::path::Path;

use anyhow::Context;

use crate::db::DbConnection;
use crate::db::models::report::{ImportOutcome, ReportRow, upsert_report};
use crate::db::models::report_sample::{self, SampleVersion};
use crate::domain::report::ReportDocument;
use crate::sample_pdf::{SampleImprint, report_sample_pdf};

/// The first report, built into the binary so a fresh install has a page to serve.
pub const BUNDLED_REPORT: &str =
    include_str!("../content/reports/global-medical-second-opinion-market.toml");

/// A sample file larger than this is refused at import.
pub const MAX_SAMPLE_BYTES: usize = 20 * 1024 * 1024;

/// Who generated samples name and where they link.
pub struct SampleContext {
    pub publisher: String,
    /// `https://reports.example.com`.
    pub public_base: String,
}

impl SampleContext {
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        let publisher = crate::domain::publisher::Publisher::new(
            &settings.publisher_name,
            &settings.publisher_address,
            &settings.publisher_url,
        );
        Self {
            publisher: publisher.name,
            public_base: settings.public_base().to_owned(),
        }
    }
}

/// Validates a report file (and its sample file, if it names one) and stores
/// both. Nothing is written when either is refused; the error names the line,
/// the field or the file.
pub fn import_file(
    conn: &mut DbConnection,
    path: &Path,
    samples: &SampleContext,
) -> anyhow::Result<Imported> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc = ReportDocument::parse_toml(&text)
        .with_context(|| format!("{} is not a valid report file", path.display()))?;
    let sample_file = match &doc.sample {
        Some(relative) => {
            let file = path.parent().unwrap_or(Path::new(".")).join(relative);
            Some((file_name(&file), read_sample_file(&file)?))
        }
        None => None,
    };
    crate::db::write_transaction(conn, |conn| -> anyhow::Result<_> {
        let outcome = upsert_report(conn, &doc)?;
        let report = ReportRow::find_by_slug(conn, &doc.slug)?.context("the report just stored")?;
        let (name, bytes) = match sample_file {
            Some(file) => file,
            None => generated(&doc, samples)?,
        };
        report_sample::store(conn, report.id, &name, &bytes, crate::db::now_unix())?;
        Ok(Imported {
            slug: doc.slug.clone(),
            outcome,
            warnings: doc.warnings(),
        })
    })
}

/// A report stored, and what the editor should look at.
pub struct Imported {
    pub slug: String,
    pub outcome: ImportOutcome,
    pub warnings: Vec<String>,
}

/// Every `.toml` file of a folder (sorted), or the one file given: each in
/// its own transaction, so a bad file stops only itself.
pub fn import_path(
    conn: &mut DbConnection,
    path: &Path,
    samples: &SampleContext,
) -> anyhow::Result<Vec<(std::path::PathBuf, anyhow::Result<Imported>)>> {
    let files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read the folder {}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_owned()]
    };
    Ok(files
        .into_iter()
        .map(|file| {
            let outcome = import_file(conn, &file, samples);
            (file, outcome)
        })
        .collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or("sample.pdf".into(), |n| n.to_string_lossy().into_owned())
}

/// A sample file must be a PDF (it starts with `%PDF-`) of at most 20 MB.
fn read_sample_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("sample: cannot read {}", path.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_SAMPLE_BYTES as u64,
        "sample: {} is {size} bytes; at most {MAX_SAMPLE_BYTES} (20 MB)",
        path.display()
    );
    let bytes =
        std::fs::read(path).with_context(|| format!("sample: cannot read {}", path.display()))?;
    anyhow::ensure!(
        bytes.starts_with(b"%PDF-"),
        "sample: {} is not a PDF (it does not start with %PDF-)",
        path.display()
    );
    Ok(bytes)
}

/// The sample made from the report's content.
fn generated(doc: &ReportDocument, samples: &SampleContext) -> anyhow::Result<(String, Vec<u8>)> {
    let today = crate::format::format_date(crate::db::now_unix());
    let imprint = SampleImprint {
        publisher: &samples.publisher,
        date: doc.published_on.as_deref().unwrap_or(&today),
        report_url: &format!("{}/reports/{}", samples.public_base, doc.slug),
    };
    let bytes = report_sample_pdf(doc, &imprint)?;
    Ok((format!("{}-sample.pdf", doc.slug), bytes))
}

/// Imports the bundled report when the database has none yet. Its sample is
/// made from its content on first need (`current_sample`), not at every start.
pub fn import_bundled_if_empty(conn: &mut DbConnection) -> anyhow::Result<()> {
    if ReportRow::count(conn)? > 0 {
        return Ok(());
    }
    let doc = ReportDocument::parse_toml(BUNDLED_REPORT).context("bundled report is invalid")?;
    upsert_report(conn, &doc)?;
    tracing::info!(slug = %doc.slug, "imported the bundled report");
    Ok(())
}

/// The sample a buyer of `slug` receives now; a report without one (the
/// bundled report, one stored before samples existed) gets its generated one
/// here. Two instances generating at once store the same bytes twice, which
/// serve alike.
pub fn current_sample(
    conn: &mut DbConnection,
    slug: &str,
    samples: &SampleContext,
) -> anyhow::Result<SampleVersion> {
    let report = ReportRow::find_by_slug(conn, slug)?
        .with_context(|| format!("no report with the slug {slug}"))?;
    if let Some(sample) = report_sample::current(conn, report.id)? {
        return Ok(sample);
    }
    let (name, bytes) = generated(&report.document()?, samples)?;
    Ok(report_sample::store(
        conn,
        report.id,
        &name,
        &bytes,
        crate::db::now_unix(),
    )?)
}
