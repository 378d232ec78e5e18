//! What a buyer needs to trust the report page: its facts, an honest CAGR,
//! and an import an editor can run over a folder.

use crate::both_backends;
use crate::helpers::{REPORT_PATH, REPORT_SLUG, TestApp};

const BUNDLED: &str =
    include_str!("../../content/reports/global-medical-second-opinion-market.toml");

async fn the_page_states_the_reports_facts_and_notes_its_cagr(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    for (label, value) in [
        ("Report code", "MR-HC-0412"),
        ("Published", "2025-06-30"),
        ("Updated", "2025-11-14"),
        ("Base year", "2024"),
        ("Forecast period", "2025–2035"),
        ("Pages", "184"),
        ("Formats", "PDF, Excel"),
    ] {
        assert!(
            page.contains(&format!("<dt>{label}</dt><dd>{value}</dd>")),
            "{label}"
        );
    }
    assert!(page.contains("(as stated)"));
    assert!(
        page.contains("the report states 14.85%; its 2025 and 2035 values imply 15.05% a year"),
        "the CAGR footnote"
    );
}
both_backends!(the_page_states_the_reports_facts_and_notes_its_cagr);

async fn importing_a_folder_imports_the_good_files_names_the_bad_one_and_warns(app: &TestApp) {
    let dir = app.db.dir.path().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a-first.toml"),
        BUNDLED.replace(REPORT_SLUG, "a-first-report"),
    )
    .unwrap();
    std::fs::write(
        dir.join("b-broken.toml"),
        BUNDLED
            .replace(REPORT_SLUG, "b-broken-report")
            .replace("pages = 184", "pages = 0"),
    )
    .unwrap();
    std::fs::write(
        dir.join("c-third.toml"),
        BUNDLED.replace(REPORT_SLUG, "c-third-report"),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a report").unwrap();
    let output = app.run_cli(
        &["report", "import", dir.to_str().unwrap()],
        app.db.dir.path(),
    );
    assert!(!output.status.success(), "a refused file fails the command");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("created report a-first-report"), "{stdout}");
    assert!(stdout.contains("created report c-third-report"), "{stdout}");
    assert!(
        stdout.contains("2 created, 0 updated, 1 refused"),
        "{stdout}"
    );
    assert!(
        stderr.contains("b-broken.toml") && stderr.contains("pages"),
        "{stderr}"
    );
    // The seed's CAGR is off its own values: a warning, not a refusal.
    assert!(
        stderr.contains("warning:") && stderr.contains("15.05 %"),
        "{stderr}"
    );
    assert_eq!(app.get("/reports/a-first-report").await.status(), 200);
    assert_eq!(app.get("/reports/c-third-report").await.status(), 200);
    assert_eq!(app.get("/reports/b-broken-report").await.status(), 404);
}
both_backends!(importing_a_folder_imports_the_good_files_names_the_bad_one_and_warns);
