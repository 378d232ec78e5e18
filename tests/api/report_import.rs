//! `reportdesk report import FILE` and `report list`.

use diesel::prelude::*;
use reportdesk::db::schema::reports;

use crate::both_backends;
use crate::helpers::{REPORT_SLUG, TestApp};

const BUNDLED: &str =
    include_str!("../../content/reports/global-medical-second-opinion-market.toml");

fn stored_titles(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.pool().get().unwrap();
    reports::table
        .select((reports::slug, reports::title))
        .order(reports::slug)
        .load(&mut conn)
        .unwrap()
}

async fn importing_a_file_with_a_bad_field_names_it_and_writes_nothing(app: &TestApp) {
    let before = stored_titles(app);
    let file = app.db.dir.path().join("bad.toml");
    let bad = BUNDLED
        .replace(REPORT_SLUG, "a-new-report")
        .replace("end_year = 2035", "end_year = 2019");
    std::fs::write(&file, bad).unwrap();

    let output = app.run_cli(
        &["report", "import", file.to_str().unwrap()],
        app.db.dir.path(),
    );

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("market.end_year"), "{stderr}");
    assert_eq!(stored_titles(app), before);
}
both_backends!(importing_a_file_with_a_bad_field_names_it_and_writes_nothing);

async fn importing_a_file_with_broken_syntax_names_the_line(app: &TestApp) {
    let file = app.db.dir.path().join("broken.toml");
    std::fs::write(&file, "slug = \"x-y-z\"\ntitle = \"unterminated\n").unwrap();
    let output = app.run_cli(
        &["report", "import", file.to_str().unwrap()],
        app.db.dir.path(),
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
}
both_backends!(importing_a_file_with_broken_syntax_names_the_line);

async fn importing_the_same_slug_again_updates_the_report(app: &TestApp) {
    let file = app.db.dir.path().join("updated.toml");
    let updated = BUNDLED.replace(
        "title = \"Global Medical Second Opinion Market, 2025–2035\"",
        "title = \"Global Medical Second Opinion Market, 2025–2035 (2nd edition)\"",
    );
    std::fs::write(&file, updated).unwrap();

    let output = app.run_cli(
        &["report", "import", file.to_str().unwrap()],
        app.db.dir.path(),
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("updated report global-medical-second-opinion-market")
    );
    assert_eq!(
        stored_titles(app),
        vec![(
            REPORT_SLUG.to_owned(),
            "Global Medical Second Opinion Market, 2025–2035 (2nd edition)".to_owned()
        )]
    );
    let page = app.get_page(crate::helpers::REPORT_PATH).await;
    assert!(page.contains("(2nd edition)"));
}
both_backends!(importing_the_same_slug_again_updates_the_report);

async fn a_page_already_served_shows_the_new_version_within_a_second_of_an_import(app: &TestApp) {
    let before = app.get_page(crate::helpers::REPORT_PATH).await;
    assert!(!before.contains("(3rd edition)"));
    let file = app.db.dir.path().join("third.toml");
    std::fs::write(
        &file,
        BUNDLED.replace(
            "title = \"Global Medical Second Opinion Market, 2025–2035\"",
            "title = \"Global Medical Second Opinion Market (3rd edition)\"",
        ),
    )
    .unwrap();
    // In the same second as the first render: the import still shows.
    assert!(
        app.run_cli(
            &["report", "import", file.to_str().unwrap()],
            app.db.dir.path()
        )
        .status
        .success()
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        app.get_page(crate::helpers::REPORT_PATH)
            .await
            .contains("(3rd edition)")
    );
}
both_backends!(a_page_already_served_shows_the_new_version_within_a_second_of_an_import);

async fn a_new_slug_is_created_and_listed(app: &TestApp) {
    let file = app.db.dir.path().join("other.toml");
    std::fs::write(
        &file,
        BUNDLED.replace(REPORT_SLUG, "global-telehealth-market"),
    )
    .unwrap();
    let output = app.run_cli(
        &["report", "import", file.to_str().unwrap()],
        app.db.dir.path(),
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("created report global-telehealth-market")
    );

    let output = app.run_cli(&["report", "list"], app.db.dir.path());
    let listing = String::from_utf8_lossy(&output.stdout);
    assert!(
        listing.contains("global-medical-second-opinion-market\t"),
        "{listing}"
    );
    assert!(listing.contains("global-telehealth-market\t"), "{listing}");
    assert_eq!(
        app.get("/reports/global-telehealth-market").await.status(),
        200
    );
}
both_backends!(a_new_slug_is_created_and_listed);
