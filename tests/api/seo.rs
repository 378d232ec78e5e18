//! What search engines read: robots.txt and the sitemap.

use crate::both_backends;
use crate::helpers::tools::xmllint;
use crate::helpers::{REPORT_SLUG, TestApp};

const BUNDLED: &str =
    include_str!("../../content/reports/global-medical-second-opinion-market.toml");

async fn robots_keeps_crawlers_out_of_the_private_paths_and_names_the_sitemap(app: &TestApp) {
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status(), 200);
    assert!(
        robots.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = robots.text().await.unwrap();
    for line in [
        "Disallow: /admin",
        "Disallow: /samples/",
        "Disallow: /quotes/",
        "Disallow: /api/",
    ] {
        assert!(text.contains(line), "{line}");
    }
    let sitemap_line = text.lines().find(|l| l.starts_with("Sitemap: ")).unwrap();
    assert!(sitemap_line.starts_with("Sitemap: http") && sitemap_line.ends_with("/sitemap.xml"));
}
both_backends!(robots_keeps_crawlers_out_of_the_private_paths_and_names_the_sitemap);

async fn the_sitemap_lists_every_report_and_validates(app: &TestApp) {
    let file = app.db.dir.path().join("second.toml");
    std::fs::write(&file, BUNDLED.replace(REPORT_SLUG, "a-second-report")).unwrap();
    let imported = app.run_cli(
        &["report", "import", file.to_str().unwrap()],
        app.db.dir.path(),
    );
    assert!(imported.status.success(), "{imported:?}");
    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.status(), 200);
    let body = sitemap.text().await.unwrap();
    for slug in [REPORT_SLUG, "a-second-report"] {
        assert!(
            body.contains(&format!("/reports/{slug}</loc><lastmod>")),
            "{slug}"
        );
    }
    assert_eq!(
        body.matches("<url>").count(),
        3,
        "the catalogue and two reports"
    );
    assert_eq!(
        app.get("/sitemaps/1.xml").await.status(),
        404,
        "no index below the limit"
    );
    if !xmllint() {
        return;
    }
    let saved = app.db.dir.path().join("sitemap.xml");
    std::fs::write(&saved, &body).unwrap();
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sitemaps/sitemap.xsd"
    );
    let checked = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", schema, saved.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}
both_backends!(the_sitemap_lists_every_report_and_validates);
