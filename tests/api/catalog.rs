//! The catalog at `/` and its search.

use crate::both_backends;
use crate::helpers::REPORT_PATH;
use crate::helpers::TestApp;

async fn the_catalog_lists_the_bundled_report(app: &TestApp) {
    let page = app.get_page("/").await;
    assert!(page.contains(&format!(
        "<a href=\"{REPORT_PATH}\">Global Medical Second Opinion Market, 2025–2035</a>"
    )));
}
both_backends!(the_catalog_lists_the_bundled_report);

async fn a_search_finds_the_report_by_a_word_of_its_title_in_any_case(app: &TestApp) {
    let page = app.get_page("/?q=SECOND%20opinion").await;
    assert!(page.contains(&format!("href=\"{REPORT_PATH}\"")));
    assert!(page.contains("1 report matches"));
    assert!(
        page.contains("value=\"SECOND opinion\""),
        "the query stays in the box"
    );
}
both_backends!(a_search_finds_the_report_by_a_word_of_its_title_in_any_case);

async fn a_search_that_matches_nothing_says_so(app: &TestApp) {
    let page = app.get_page("/?q=semiconductors").await;
    assert!(!page.contains(&format!("href=\"{REPORT_PATH}\"")));
    assert!(page.contains("No report matches your search"));
}
both_backends!(a_search_that_matches_nothing_says_so);

async fn wildcards_in_a_search_are_taken_literally(app: &TestApp) {
    // "%" and "_" match only themselves: the summary has "14.85%", no "100%".
    let page = app.get_page("/?q=100%25").await;
    assert!(page.contains("No report matches your search"));
    let page = app.get_page("/?q=_").await;
    assert!(page.contains("No report matches your search"));
    let page = app.get_page("/?q=14.85%25").await;
    assert!(page.contains("1 report matches"));
}
both_backends!(wildcards_in_a_search_are_taken_literally);

async fn markup_in_a_search_is_shown_as_text(app: &TestApp) {
    let page = app
        .get_page("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&#60;script&#62;alert(1)"));
}
both_backends!(markup_in_a_search_is_shown_as_text);
