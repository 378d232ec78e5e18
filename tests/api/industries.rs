//! A catalogue of many reports: industries, word search, pages, related
//! reports — over reports made by `reportdesk generate reports`.

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp};

fn generate(app: &TestApp, count: &str) {
    let output = app.run_cli(
        &["generate", "reports", "--count", count, "--seed", "3"],
        app.db.dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
}

/// The report links of a catalogue page.
fn listed(page: &str) -> Vec<String> {
    page.split("<h2><a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

async fn industries_search_and_pages_narrow_a_large_catalogue(app: &TestApp) {
    generate(app, "45");
    let all = app.get_page("/").await;
    assert_eq!(listed(&all).len(), 20);
    assert!(all.contains("Page 1 of 3"), "46 reports, 20 to a page");
    let second = app.get_page("/?q=&page=2").await;
    assert_eq!(listed(&second).len(), 20);
    assert!(
        listed(&second)
            .iter()
            .all(|href| !listed(&all).contains(href))
    );
    assert_eq!(listed(&app.get_page("/?page=3").await).len(), 6);

    let energy = app.get_page("/industries/energy").await;
    crate::html_pages::save("catalog-industry", &energy);
    crate::html_pages::save("catalog-page-2", &second);
    assert!(energy.contains("<h1>Energy market research reports</h1>"));
    let hrefs = listed(&energy);
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(
            ["battery", "offshore-wind", "green-hydrogen"]
                .iter()
                .any(|m| href.contains(m)),
            "{href} is not an energy report"
        );
    }
    assert_eq!(app.get("/industries/no-such-industry").await.status(), 404);

    // Every word must match, in the title or the summary.
    let words = app.get_page("/?q=edge+computing").await;
    assert!(listed(&words).iter().all(|h| h.contains("edge-computing")));
    let filtered = app.get_page("/?q=market&industry=healthcare").await;
    assert!(
        listed(&filtered).iter().all(|h| !h.contains("hydrogen")),
        "the industry filter holds with a query"
    );
    assert!(listed(&app.get_page("/?q=zzzz+qqqq").await).is_empty());
}
both_backends!(industries_search_and_pages_narrow_a_large_catalogue);

async fn a_report_links_its_industry_and_related_reports_of_it(app: &TestApp) {
    generate(app, "24");
    let page = app.get_page(REPORT_PATH).await;
    assert!(page.contains("<a href=\"/industries/healthcare\">Healthcare</a>"));
    let related = &page[page
        .find("id=\"related-heading\"")
        .expect("related reports")..];
    let related = &related[..related.find("</section>").unwrap()];
    let links: Vec<&str> = related
        .split("<a href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(!links.is_empty() && links.len() <= 4);
    for link in links {
        assert!(
            ["telehealth", "clinical-trial", "medical-imaging"]
                .iter()
                .any(|m| link.contains(m)),
            "{link} is not a healthcare report"
        );
        assert_eq!(app.get(link).await.status(), 200);
    }
}
both_backends!(a_report_links_its_industry_and_related_reports_of_it);

/// The bundled report under another slug and industry, with these segments.
fn variant(slug: &str, industry: &str, entries: &str) -> String {
    const BUNDLED: &str =
        include_str!("../../content/reports/global-medical-second-opinion-market.toml");
    let segments_start = BUNDLED.find("[[segmentations]]").unwrap();
    let regions_start = BUNDLED.find("[[regions]]").unwrap();
    format!(
        "{}[[segmentations]]\nname = \"By Use\"\nentries = [{entries}]\n\n{}",
        &BUNDLED[..segments_start],
        &BUNDLED[regions_start..]
    )
    .replace(crate::helpers::REPORT_SLUG, slug)
    .replace(
        "industry = \"Healthcare\"",
        &format!("industry = \"{industry}\""),
    )
}

fn related_links(page: &str) -> Vec<String> {
    let Some(start) = page.find("id=\"related-heading\"") else {
        return Vec::new();
    };
    let related = &page[start..];
    let related = &related[..related.find("</section>").unwrap()];
    related
        .split("<a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

async fn reports_sharing_segments_are_related_across_industries_once_imported(app: &TestApp) {
    assert!(related_links(&app.get_page(REPORT_PATH).await).is_empty());
    let dir = app.db.dir.path().join("more-reports");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("oncology-cover", "\"Oncology\", \"Payers\""),
        ("motor-cover", "\"Motor\", \"Fleet\""),
    ];
    for (slug, entries) in files {
        let text = variant(&format!("{slug}-insurance-market"), "Insurance", entries);
        std::fs::write(dir.join(format!("{slug}.toml")), text).unwrap();
    }
    let output = app.run_cli(
        &["report", "import", dir.to_str().unwrap()],
        app.db.dir.path(),
    );
    assert!(output.status.success(), "{output:?}");

    // A cached page is served for up to a second before its version is read.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The healthcare report's page was cached before: it now shows the one
    // report that shares a segment (oncology), not the one that shares none.
    assert_eq!(
        related_links(&app.get_page(REPORT_PATH).await),
        ["/reports/oncology-cover-insurance-market"]
    );
    // Its own industry comes first, then the shared segment.
    assert_eq!(
        related_links(
            &app.get_page("/reports/oncology-cover-insurance-market")
                .await
        ),
        ["/reports/motor-cover-insurance-market", REPORT_PATH]
    );
}
both_backends!(reports_sharing_segments_are_related_across_industries_once_imported);
