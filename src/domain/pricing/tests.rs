use super::*;

fn tier(code: &str, prices: &[(&str, i64)]) -> LicenceTier {
    LicenceTier {
        code: code.into(),
        name: "Single user".into(),
        description: "One named reader, PDF.".into(),
        prices: prices.iter().map(|(c, a)| ((*c).to_owned(), *a)).collect(),
    }
}

#[test]
fn a_licence_without_the_default_currency_is_refused_by_name() {
    let tiers = [
        tier("single", &[("USD", 449_900)]),
        tier("multi", &[("EUR", 1)]),
    ];
    let (field, problem) = check_licences(&tiers, "USD").unwrap_err();
    assert_eq!(field, "licences[1].prices");
    assert!(problem.contains("USD"));
}

#[test]
fn an_unknown_currency_code_and_a_zero_price_are_refused() {
    let unknown = [tier("single", &[("USD", 1), ("XYZ", 1)])];
    assert_eq!(
        check_licences(&unknown, "USD").unwrap_err().0,
        "licences[0].prices.XYZ"
    );
    let zero = [tier("single", &[("USD", 0)])];
    assert_eq!(
        check_licences(&zero, "USD").unwrap_err().0,
        "licences[0].prices.USD"
    );
    let twice = [tier("single", &[("USD", 1)]), tier("single", &[("USD", 1)])];
    assert_eq!(
        check_licences(&twice, "USD").unwrap_err().0,
        "licences[1].code"
    );
    let other = [tier("team", &[("USD", 1)])];
    assert_eq!(
        check_licences(&other, "USD").unwrap_err().0,
        "licences[0].code"
    );
    assert!(
        check_licences(
            &[tier("single", &[("USD", 449_900), ("JPY", 70_000)])],
            "USD"
        )
        .is_ok()
    );
}

#[test]
fn prices_are_shown_in_the_currencys_own_minor_units() {
    assert_eq!(format_price(449_900, "USD"), "USD 4,499.00");
    assert_eq!(format_price(70_000, "JPY"), "JPY 70,000");
    assert_eq!(format_price(1_234_567, "BHD"), "BHD 1,234.567");
    assert_eq!(format_price(99, "EUR"), "EUR 0.99");
    assert_eq!(plain_amount(449_900, "USD"), "4499.00");
}

#[test]
fn typed_prices_become_minor_units_or_a_clear_refusal() {
    assert_eq!(parse_amount("3,999.50", "USD"), Ok(399_950));
    assert_eq!(parse_amount("3999.5", "USD"), Ok(399_950));
    assert_eq!(parse_amount(" 3500 ", "EUR"), Ok(350_000));
    assert_eq!(parse_amount("70000", "JPY"), Ok(70_000));
    assert!(parse_amount("70000.5", "JPY").is_err());
    assert!(parse_amount("3.999", "USD").is_err());
    assert!(parse_amount("-5", "USD").is_err());
    assert!(parse_amount("0", "USD").is_err());
    assert!(parse_amount("about 3k", "USD").is_err());
    assert!(parse_amount("", "USD").is_err());
}

#[test]
fn a_countrys_currency_is_found_by_its_code() {
    assert_eq!(currencies_of_country("GB"), ["GBP"]);
    assert_eq!(currencies_of_country("DE"), ["EUR"]);
    assert!(currencies_of_country("US").contains(&"USD".to_owned()));
    assert!(currencies_of_country("XX").is_empty());
}

#[test]
fn the_desk_reads_the_asked_discount_beside_the_list_price() {
    let asked = PriceRequest {
        currency: "USD".into(),
        list_minor: Some(649_900),
        asked_minor: Some(550_000),
    };
    assert_eq!(
        asked.describe(),
        "list USD 6,499.00 · asks USD 5,500.00 (15.4 % off)"
    );
    let no_target = PriceRequest {
        asked_minor: None,
        ..asked
    };
    assert_eq!(no_target.describe(), "list USD 6,499.00");
}

#[test]
fn the_discount_is_off_the_list_price_to_one_decimal() {
    assert_eq!(discount_percent(449_900, 413_908), 8.0);
    assert_eq!(discount_percent(449_900, 382_415), 15.0);
    assert_eq!(discount_percent(100_000, 100_000), 0.0);
    assert_eq!(discount_percent(100_000, 110_000), -10.0);
    assert_eq!(discount_percent(0, 5), 0.0);
}
