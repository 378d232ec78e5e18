use super::*;

const BUNDLED: &str =
    include_str!("../../../content/reports/global-medical-second-opinion-market.toml");

#[test]
fn the_bundled_report_parses_with_every_seed_section() {
    let doc = ReportDocument::parse_toml(BUNDLED).expect("bundled report is valid");
    assert_eq!(doc.intro.len(), 3);
    assert_eq!(doc.sections.financial_ratios.len(), 5);
    assert_eq!(doc.sections.segmentations.len(), 3);
    assert_eq!(doc.sections.regions.len(), 5);
    assert_eq!(doc.key_players.len(), 10);
    assert_eq!(doc.sections.table_of_contents.len(), 9);
    assert_eq!(doc.sections.faq.len(), 5);
    assert_eq!(doc.market.start_value, 6.12);
    assert_eq!(doc.market.end_value, 24.87);
}

#[test]
fn an_end_year_before_the_start_year_is_refused_by_name() {
    let text = BUNDLED.replace("end_year = 2035", "end_year = 2020");
    let err = ReportDocument::parse_toml(&text).unwrap_err();
    assert!(err.to_string().starts_with("market.end_year:"), "{err}");
}

#[test]
fn an_empty_faq_answer_is_refused_with_its_index() {
    let text = BUNDLED.replacen("answer = \"", "answer = \" \" # ", 2);
    let err = ReportDocument::parse_toml(&text).unwrap_err();
    assert!(err.to_string().starts_with("faq[0].answer:"), "{err}");
}

#[test]
fn a_misspelt_key_is_reported_with_its_line() {
    let text = BUNDLED.replace("key_players = [", "key_player = [");
    let err = ReportDocument::parse_toml(&text).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("line"), "{message}");
    assert!(message.contains("key_player"), "{message}");
}

#[test]
fn segment_keys_are_the_entries_lower_cased_once_each_without_others() {
    let mut doc = ReportDocument::parse_toml(BUNDLED).unwrap();
    doc.sections.segmentations[0]
        .entries
        .push(" ONCOLOGY ".into());
    let keys = doc.segment_keys();
    assert!(keys.contains(&"oncology".to_owned()));
    assert!(keys.contains(&"hospitals & clinics".to_owned()));
    assert!(!keys.iter().any(|k| k == "others"), "{keys:?}");
    assert_eq!(keys.iter().filter(|k| *k == "oncology").count(), 1);
}
