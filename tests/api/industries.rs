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
