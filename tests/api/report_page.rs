//! The report page shows every section of the seed.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::{REPORT_PATH, assert_shows};

const COUNTRIES: [&str; 18] = [
    "United States",
    "Canada",
    "Germany",
    "United Kingdom",
    "France",
    "Italy",
    "Spain",
    "China",
    "India",
    "Japan",
    "Australia",
    "South Korea",
    "Brazil",
    "Mexico",
    "Argentina",
    "UAE",
    "Saudi Arabia",
    "South Africa",
];

const REGIONS: [&str; 5] = [
    "North America",
    "Europe",
    "Asia-Pacific",
    "Latin America",
    "Middle East & Africa",
];

const KEY_PLAYERS: [&str; 10] = [
    "Cleveland Clinic",
    "Mayo Clinic",
    "Johns Hopkins Medicine",
    "MD Anderson Cancer Center",
    "Grand Rounds Health, Inc.",
    "Mediguide, Inc.",
    "SecondOpinions.com",
    "Best Doctors, Inc.",
    "Top Doctors, Inc.",
    "Teladoc Health, Inc.",
];

const CHAPTERS: [&str; 9] = [
    "Executive Summary",
    "Market Introduction",
    "Market Dynamics",
    "Market Outlook and Forecast (2025–2035)",
    "Market Segmentation Analysis",
    "Regional Analysis",
    "Competitive Landscape",
    "Company Profiles",
    "Strategic Frameworks",
];

const FAQ_QUESTIONS: [&str; 5] = [
    "Why is the Medical Second Opinion Market poised for a major leap from USD 6.12 billion in 2025 to USD 24.87 billion by 2035?",
    "How are AI and telemedicine transforming the landscape of second medical opinions?",
    "Which medical specialties are seeing the highest demand for second opinions globally?",
    "What role are insurance companies and employers playing in fueling market demand for second opinions?",
    "Is the second opinion market only for critical conditions, or is it becoming mainstream for general healthcare too?",
];

fn count(page: &str, needle: &str) -> usize {
    page.matches(needle).count()
}

async fn the_page_shows_the_title_and_the_three_headline_figures(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    assert!(page.contains("<h1>Global Medical Second Opinion Market, 2025–2035</h1>"));
    assert_eq!(count(&page, "<h1"), 1, "exactly one h1");
    assert_shows(&page, "USD 6.12 billion");
    assert_shows(&page, "USD 24.87 billion");
    assert_shows(&page, "14.85%");
}
both_backends!(the_page_shows_the_title_and_the_three_headline_figures);

async fn the_page_is_sent_without_its_templates_indentation(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    let indented = page
        .lines()
        .filter(|line| line.starts_with([' ', '\t']))
        .count();
    assert_eq!(
        indented, 0,
        "no line of the page starts with a space or tab"
    );
    assert!(!page.contains("\n\n"), "no blank lines");
    assert!(page.len() < 45_000, "{} bytes", page.len());
}
both_backends!(the_page_is_sent_without_its_templates_indentation);

async fn every_intro_point_and_financial_ratio_is_shown(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    assert_shows(
        &page,
        "valuation projected to reach approximately USD 6.12 billion in 2025",
    );
    assert_shows(
        &page,
        "reflecting a robust compound annual growth rate (CAGR) of nearly 14.85%",
    );
    assert_shows(
        &page,
        "The growing prevalence of chronic diseases, coupled with the emphasis on precision medicine",
    );
    for ratio in [
        "Profitability Ratios",
        "Liquidity Ratios",
        "Leverage Ratios",
        "Efficiency Ratios",
        "Valuation Ratios",
    ] {
        assert!(page.contains(&format!("<dt>{ratio}</dt>")), "ratio {ratio}");
    }
    assert_shows(&page, "reducing turnaround times for reports");
}
both_backends!(every_intro_point_and_financial_ratio_is_shown);

async fn every_segment_region_and_country_is_shown(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    for segmentation in ["By Service Type", "By End User", "By Specialty"] {
        assert_shows(&page, segmentation);
    }
    for entry in [
        "Online Consultation",
        "In-Person Consultation",
        "Telephonic Consultation",
        "Hospitals & Clinics",
        "Diagnostic Centers",
        "Individual Patients",
        "Oncology",
        "Cardiology",
        "Neurology",
        "Orthopedics",
        "Others",
    ] {
        assert!(
            page.contains(&format!("<li>{}</li>", crate::helpers::escaped(entry))),
            "segment entry {entry}"
        );
    }
    for region in REGIONS {
        assert!(
            page.contains(&format!("<h3>{}</h3>", crate::helpers::escaped(region))),
            "region {region}"
        );
    }
    for country in COUNTRIES {
        assert!(
            page.contains(&format!("<li>{country}</li>")),
            "country {country}"
        );
    }
}
both_backends!(every_segment_region_and_country_is_shown);

async fn all_ten_key_players_are_listed(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    let players = page
        .split("id=\"key-players\"")
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    for player in KEY_PLAYERS {
        assert!(
            players.contains(&format!("<li>{player}</li>")),
            "key player {player}"
        );
    }
    assert_eq!(count(players, "<li>"), 10);
}
both_backends!(all_ten_key_players_are_listed);

async fn the_table_of_contents_has_every_chapter_and_section_collapsible(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    let toc = page
        .split("<ol class=\"toc\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    for (i, chapter) in CHAPTERS.iter().enumerate() {
        assert!(
            toc.contains(&format!("{}.</span> {}", i + 1, chapter)),
            "chapter {chapter}"
        );
    }
    // 9 chapters, 41 sections and 32 sub-sections in the seed.
    assert_eq!(count(toc, "class=\"toc-number\""), 82);
    // Every chapter with sections folds; only the executive summary has none.
    assert_eq!(count(toc, "<details>"), 8);
    for line in [
        "2.1</span> Definition and Scope",
        "4.6</span> COVID-19 &#38; Post-Pandemic Impact Analysis",
        "5.3.5</span> Others",
        "6.5.3</span> South Africa",
        "8.10</span> Teladoc Health, Inc.",
        "9.2</span> Porter’s Five Forces Analysis",
        "9.6</span> Future Outlook &#38; Investment Opportunities",
    ] {
        assert!(toc.contains(line), "toc line {line}");
    }
}
both_backends!(the_table_of_contents_has_every_chapter_and_section_collapsible);

async fn every_faq_question_is_answered_and_described_for_search_engines(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    for question in FAQ_QUESTIONS {
        assert!(
            page.contains(&format!("<h3>{question}</h3>")),
            "question {question}"
        );
    }
    assert_shows(
        &page,
        "More people are now seeking second opinions for elective procedures",
    );
    let json = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["@type"], "FAQPage");
    let entities = data["mainEntity"].as_array().unwrap();
    assert_eq!(entities.len(), 5);
    for (entity, question) in entities.iter().zip(FAQ_QUESTIONS) {
        assert_eq!(entity["name"], question);
        assert!(entity["acceptedAnswer"]["text"].as_str().unwrap().len() > 100);
    }
}
both_backends!(every_faq_question_is_answered_and_described_for_search_engines);

async fn the_forecast_chart_has_a_bar_per_year_with_exact_endpoints_and_marked_estimates(
    app: &TestApp,
) {
    let page = app.get_page(REPORT_PATH).await;
    let chart = page
        .split("<svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert!(chart.contains("role=\"img\""));
    assert!(chart.contains(
        "<title id=\"chart-title-wide\">Market size forecast, 2025–2035 (USD billion)</title>"
    ));
    assert!(chart.contains("<desc id=\"chart-desc-wide\">"));
    // The unit is written on the chart itself.
    assert!(chart.contains(">USD billion</text>"));
    let years: Vec<i32> = chart
        .split("data-year=\"")
        .skip(1)
        .map(|rest| rest[..4].parse().unwrap())
        .collect();
    assert_eq!(years, (2025..=2035).collect::<Vec<_>>());
    assert!(chart.contains("class=\"bar bar-stated\" data-year=\"2025\" data-value=\"6.12\""));
    assert!(chart.contains("class=\"bar bar-stated\" data-year=\"2035\" data-value=\"24.87\""));
    assert_eq!(count(chart, "bar bar-stated"), 2);
    assert_eq!(count(chart, "bar bar-estimated"), 9);
    // 2030 is the geometric mean of the endpoints: sqrt(6.12 × 24.87) = 12.34.
    assert!(chart.contains("data-year=\"2030\" data-value=\"12.34\""));
    assert!(chart.contains("2030: USD 12.34 billion (interpolated)"));
    assert!(page.contains("Interpolated at constant growth (estimate)"));
    // Bars grow year on year.
    let heights: Vec<f64> = chart
        .split("<rect ")
        .skip(1)
        .map(|rest| {
            let h = rest.split("height=\"").nth(1).unwrap();
            h[..h.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(heights.len(), 11);
    assert!(heights.windows(2).all(|w| w[1] > w[0]), "{heights:?}");
}
both_backends!(the_forecast_chart_has_a_bar_per_year_with_exact_endpoints_and_marked_estimates);

async fn the_three_calls_to_action_link_to_their_forms(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    for (path, label) in [
        ("sample-request", "Download a free sample"),
        ("inquiry", "Make an inquiry"),
        ("discount", "Ask for a discount"),
    ] {
        assert!(
            page.contains(&format!("href=\"{REPORT_PATH}/{path}\">{label}</a>")),
            "{label}"
        );
    }
}
both_backends!(the_three_calls_to_action_link_to_their_forms);

async fn an_unknown_report_gives_the_not_found_page(app: &TestApp) {
    for path in [
        "/reports/no-such-report",
        "/reports/..%2F..%2Fetc",
        "/nowhere",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("<h1>Page not found</h1>"), "{path}");
    }
}
both_backends!(an_unknown_report_gives_the_not_found_page);

async fn an_unexpected_failure_shows_a_500_page_that_reveals_no_internals(app: &TestApp) {
    use diesel::prelude::*;
    use reportdesk::db::schema::reports;
    let mut conn = app.pool().get().unwrap();
    diesel::update(reports::table)
        .set(reports::content.eq("{not json"))
        .execute(&mut conn)
        .unwrap();
    let response = app.get(REPORT_PATH).await;
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    assert!(body.contains("Something went wrong on our side"));
    for secret in [
        "unreadable",
        "json",
        "serde",
        "diesel",
        "sqlite",
        "postgres",
        "src/",
    ] {
        assert!(
            !body.to_lowercase().contains(secret),
            "500 page leaks {secret:?}"
        );
    }
}
both_backends!(an_unexpected_failure_shows_a_500_page_that_reveals_no_internals);
