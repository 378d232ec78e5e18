//! The templates staff start a mail to a buyer from: text with
//! `{{placeholder}}`s, checked when an admin saves them (an unknown name is
//! refused then, never discovered while writing to a buyer).

/// The names a template may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "buyer_name",
    "company",
    "report_title",
    "report_url",
    "licence",
    "owner_name",
    "sample_link",
];

/// Filled in when the mail is sent, not in the compose box: a sample link
/// is made only for a mail that goes out.
pub const SAMPLE_LINK: &str = "{{sample_link}}";

/// Each `{{name}}` in the text, with its byte range.
fn placeholders(text: &str) -> Result<Vec<(usize, usize, &str)>, String> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find("{{") {
        let start = rest + open;
        let Some(close) = text[start..].find("}}") else {
            return Err("A placeholder is opened with {{ but not closed with }}".into());
        };
        let end = start + close + 2;
        found.push((start, end, text[start + 2..end - 2].trim()));
        rest = end;
    }
    Ok(found)
}

/// Refuses a template naming a placeholder that does not exist.
pub fn check(field: &str, text: &str) -> Result<(), String> {
    let found = placeholders(text).map_err(|e| format!("{field}: {e}"))?;
    for (_, _, name) in found {
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "{field}: {{{{{name}}}}} is not a placeholder; use {}",
                PLACEHOLDERS.map(|p| format!("{{{{{p}}}}}")).join(", ")
            ));
        }
    }
    Ok(())
}

/// The text with each placeholder `value` knows replaced; the others (the
/// sample link, or names a template saved before a check) are left as written.
pub fn render(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let Ok(found) = placeholders(text) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, name) in found {
        if let Some(v) = value(name) {
            out.push_str(&text[copied..start]);
            out.push_str(&v);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_placeholders_are_filled_and_the_sample_link_waits_for_sending() {
        let text = "Dear {{buyer_name}}, about {{ report_title }}: {{sample_link}}";
        let filled = render(text, |name| match name {
            "buyer_name" => Some("Ana".into()),
            "report_title" => Some("Market".into()),
            _ => None,
        });
        assert_eq!(filled, "Dear Ana, about Market: {{sample_link}}");
    }

    #[test]
    fn an_unknown_or_unclosed_placeholder_is_refused_when_saved() {
        assert!(check("Body", "Hello {{buyer_name}}").is_ok());
        let unknown = check("Body", "Hello {{first_name}}").unwrap_err();
        assert!(
            unknown.contains("{{first_name}} is not a placeholder"),
            "{unknown}"
        );
        assert!(unknown.contains("{{buyer_name}}"), "{unknown}");
        let open = check("Subject", "Hello {{buyer_name").unwrap_err();
        assert!(open.starts_with("Subject: "), "{open}");
    }
}
