use proptest::prelude::*;

use super::*;

/// Any form post: every field any string, read as the handler reads it.
fn any_input() -> impl Strategy<Value = LeadFormInput> {
    const FIELDS: [&str; 13] = [
        "name",
        "email",
        "phone",
        "company",
        "job_title",
        "country",
        "message",
        "consent",
        "marketing_opt_in",
        "licence",
        "budget",
        "currency",
        "target_price",
    ];
    prop::array::uniform13(any::<String>()).prop_map(|values| {
        let posted: Vec<(&str, String)> = FIELDS.into_iter().zip(values).collect();
        let body = serde_urlencoded::to_string(posted).unwrap();
        serde_urlencoded::from_str(&body).unwrap()
    })
}

fn valid_input() -> impl Strategy<Value = LeadFormInput> {
    (
        "[A-Z][a-z]{1,20}( [A-Z][a-z]{1,20})?",
        "[a-z][a-z0-9._]{0,20}[a-z0-9]@[a-z]{2,12}\\.(com|org|co\\.uk|de)",
        prop::option::of("\\+[1-9][0-9]{0,2} [0-9]{3} [0-9]{4}"),
        "[A-Za-z0-9&.,' -]{1,100}[A-Za-z0-9]",
        prop::sample::select(vec!["US", "GB", "DE", "IN", "JP", "BR", "ZA"]),
        "[A-Za-z0-9 ,.?!\n]{10,400}",
        prop::sample::select(vec!["single", "multi", "enterprise"]),
    )
        .prop_map(
            |(name, email, phone, company, country, message, licence)| LeadFormInput {
                name,
                email,
                phone: phone.unwrap_or_default(),
                company,
                country: country.into(),
                message: format!("Q: {message} end"),
                consent: "yes".into(),
                licence: licence.into(),
                ..Default::default()
            },
        )
}

proptest! {
    #[test]
    fn arbitrary_field_strings_never_panic_the_parser(input in any_input()) {
        for kind in LeadKind::ALL {
            let _ = LeadRequest::parse(kind, &input);
        }
    }

    #[test]
    fn generated_valid_inputs_always_parse(input in valid_input()) {
        for kind in LeadKind::ALL {
            let parsed = LeadRequest::parse(kind, &input);
            prop_assert!(parsed.is_ok(), "{kind:?}: {parsed:?}");
        }
    }

    #[test]
    fn no_accepted_single_line_field_contains_a_line_break(input in any_input()) {
        if let Ok(lead) = LeadRequest::parse(LeadKind::Discount, &input) {
            for value in [lead.name.as_str(), lead.company.as_str(), lead.email.as_str()] {
                prop_assert!(!value.contains(['\r', '\n']));
            }
        }
    }
}
