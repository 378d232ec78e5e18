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

/// The `content` of the page's `<meta>` named `name` (property or name).
fn meta_content<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let pattern = format!("=\"{name}\" content=\"");
    let rest = &page[page.find(&pattern)? + pattern.len()..];
    Some(&rest[..rest.find('"')?])
}

async fn a_shared_link_previews_the_reports_own_1200_by_630_picture(app: &TestApp) {
    let page = app.get_page(&format!("/reports/{REPORT_SLUG}")).await;
    assert_eq!(
        meta_content(&page, "twitter:card"),
        Some("summary_large_image")
    );
    let image = meta_content(&page, "og:image").expect("og:image");
    assert_eq!(meta_content(&page, "twitter:image"), Some(image));
    assert_eq!(meta_content(&page, "og:image:width"), Some("1200"));
    assert_eq!(meta_content(&page, "og:image:height"), Some("630"));
    assert!(meta_content(&page, "og:image:alt").is_some_and(|alt| alt.contains("forecast")));
    let path = &image[image.find("/reports/").expect("a report path")..];

    let response = app.get(path).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("public")
    );
    let png = response.bytes().await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    // IHDR: width and height, big-endian, right after the chunk header.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1200, 630));
    // Served again from memory, byte for byte.
    let again = app.get(path).await.bytes().await.unwrap();
    assert_eq!(again, png);

    let missing = app.get("/reports/no-such-report/share.png").await;
    assert_eq!(missing.status(), 404);
}
both_backends!(a_shared_link_previews_the_reports_own_1200_by_630_picture);
