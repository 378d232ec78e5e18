//! Filling in the buyer's forms, and reading pages as a person would.

/// The page text as askama escapes it, for comparing with seed text.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Asserts the page contains the text (HTML-escaped), naming what is missing.
pub fn assert_shows(page: &str, text: &str) {
    assert!(
        page.contains(&escaped(text)),
        "the page does not show {text:?}"
    );
}

/// A complete, valid submission for every kind of form.
pub fn valid_fields() -> Vec<(&'static str, String)> {
    [
        ("name", "Jane Doe"),
        ("email", "jane.doe@acme-health.com"),
        ("phone", "+44 20 7946 0958"),
        ("company", "Acme Health"),
        ("job_title", "Director of Strategy"),
        ("country", "GB"),
        (
            "message",
            "We would like the oncology figures for Europe, 2025 to 2030.",
        ),
        ("consent", "yes"),
        ("licence", "multi"),
        ("budget", "USD 4,000"),
        ("website", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The value of a field in a form body list, replaced or added.
pub fn with_field(
    mut fields: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name, value.to_owned())),
    }
    fields
}

/// The hidden form token in a rendered form page.
pub fn form_token_in(page: &str) -> String {
    let needle = "name=\"form_token\" value=\"";
    let start = page.find(needle).expect("form has a token") + needle.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}
