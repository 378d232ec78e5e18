use super::*;

pub fn valid_input() -> LeadFormInput {
    LeadFormInput {
        name: "Jane Doe".into(),
        email: "jane@acme-health.com".into(),
        phone: "+44 20 7946 0958".into(),
        company: "Acme Health".into(),
        job_title: "Head of Strategy".into(),
        country: "GB".into(),
        message: "We need the oncology segment for 2030.".into(),
        consent: "yes".into(),
        licence: "multi".into(),
        ..Default::default()
    }
}

#[test]
fn a_discount_request_keeps_its_target_price_in_the_currency_shown() {
    let mut input = valid_input();
    input.currency = "eur".into();
    input.target_price = "5,500".into();
    let lead = LeadRequest::parse(LeadKind::Discount, &input).unwrap();
    assert_eq!(lead.currency.as_deref(), Some("EUR"));
    assert_eq!(lead.asked_price, Some(550_000));
    input.target_price = "a lot less".into();
    let errors = LeadRequest::parse(LeadKind::Discount, &input).unwrap_err();
    assert!(errors.get("target_price").unwrap().contains("EUR"));
    // No target price is fine: the buyer may not know one.
    input.target_price = String::new();
    assert_eq!(
        LeadRequest::parse(LeadKind::Discount, &input)
            .unwrap()
            .asked_price,
        None
    );
    // Other kinds ignore both fields.
    input.target_price = "5500".into();
    let inquiry = LeadRequest::parse(LeadKind::Inquiry, &input).unwrap();
    assert_eq!((inquiry.currency, inquiry.asked_price), (None, None));
}

#[test]
fn a_complete_form_parses_for_every_kind() {
    for kind in LeadKind::ALL {
        let lead = LeadRequest::parse(kind, &valid_input()).unwrap();
        assert_eq!(lead.kind, kind);
        assert_eq!(lead.country.code(), "GB");
        assert_eq!(lead.licence.is_some(), kind == LeadKind::Discount);
    }
}

#[test]
fn every_problem_is_reported_at_once_in_form_order() {
    let input = LeadFormInput {
        name: "J".into(),
        email: "not-an-email".into(),
        ..Default::default()
    };
    let errors = LeadRequest::parse(LeadKind::Discount, &input).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        ["name", "email", "company", "country", "licence", "consent"]
    );
}

#[test]
fn an_inquiry_needs_a_message_of_ten_characters() {
    let mut input = valid_input();
    input.message = "Price?".into();
    let errors = LeadRequest::parse(LeadKind::Inquiry, &input).unwrap_err();
    assert_eq!(
        errors.get("message"),
        Some("Message must be at least 10 characters")
    );
    assert!(LeadRequest::parse(LeadKind::SampleRequest, &input).is_ok());
}

#[test]
fn consent_must_be_given_explicitly() {
    let mut input = valid_input();
    input.consent = "on".into();
    assert!(
        LeadRequest::parse(LeadKind::SampleRequest, &input)
            .unwrap_err()
            .get("consent")
            .is_some()
    );
}

#[test]
fn the_marketing_opt_in_is_separate_and_off_unless_ticked() {
    let mut input = valid_input();
    assert!(
        !LeadRequest::parse(LeadKind::Inquiry, &input)
            .unwrap()
            .marketing_opt_in
    );
    input.marketing_opt_in = "yes".into();
    assert!(
        LeadRequest::parse(LeadKind::Inquiry, &input)
            .unwrap()
            .marketing_opt_in
    );
}
