//! Free-text fields as buyers type them: trimmed, length-checked, and free of
//! control characters (which would let a value forge a mail header or a log line).

/// Why a text field was refused, phrased for the person who typed it.
pub type FieldProblem = String;

/// A one-line value: no control character of any kind (CR, LF, NUL, tab…).
pub fn single_line(
    value: &str,
    label: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldProblem> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{label} must be on one line, without special characters"
        ));
    }
    if value.chars().any(is_invisible_format) {
        return Err(format!(
            "{label} contains invisible direction or spacing marks; please type it again"
        ));
    }
    check_length(value, label, min, max)?;
    Ok(value.to_owned())
}

/// Characters that change how text around them is shown without being seen:
/// bidirectional overrides and isolates (which can make "moc.evil" read as
/// "live.com") and zero-width spaces and joiners.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// An optional one-line value: blank means absent.
pub fn optional_single_line(
    value: &str,
    label: &str,
    max: usize,
) -> Result<Option<String>, FieldProblem> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    single_line(value, label, 1, max).map(Some)
}

/// A multi-line value: line breaks are kept (as `\n`), tabs allowed, every other
/// control character refused.
pub fn multi_line(
    value: &str,
    label: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldProblem> {
    let normalised = value.replace("\r\n", "\n").replace('\r', "\n");
    let value = normalised.trim();
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!("{label} contains characters that cannot be stored"));
    }
    check_length(value, label, min, max)?;
    Ok(value.to_owned())
}

fn check_length(value: &str, label: &str, min: usize, max: usize) -> Result<(), FieldProblem> {
    let length = value.chars().count();
    if length == 0 && min > 0 {
        return Err(format!("Enter your {}", label.to_lowercase()));
    }
    if length < min {
        return Err(format!("{label} must be at least {min} characters"));
    }
    if length > max {
        return Err(format!("{label} must be {max} characters or fewer"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_direction_and_spacing_marks_are_refused_in_one_line_fields() {
        for sly in [
            "Jane\u{202E}eoD",
            "Acme\u{200B}Corp",
            "\u{2066}Jane\u{2069}",
            "Ja\u{FEFF}ne",
        ] {
            let refused = single_line(sly, "Name", 1, 100).unwrap_err();
            assert!(refused.contains("invisible"), "{sly:?}: {refused}");
        }
        assert!(single_line("Zoë O'Brien-Ş", "Name", 1, 100).is_ok());
    }

    #[test]
    fn a_single_line_value_is_trimmed() {
        assert_eq!(single_line("  Acme  ", "Company", 1, 10).unwrap(), "Acme");
    }

    #[test]
    fn line_breaks_and_nul_are_refused_on_one_line() {
        for bad in ["Acme\r\nBcc: x@y.z", "Acme\nCorp", "Ac\0me", "Ac\tme"] {
            assert!(single_line(bad, "Company", 1, 50).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_message_keeps_its_line_breaks_but_not_other_controls() {
        assert_eq!(
            multi_line("a\r\nb\rc", "Message", 1, 50).unwrap(),
            "a\nb\nc"
        );
        assert!(multi_line("a\u{7}b", "Message", 1, 50).is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(single_line("Zoë", "Name", 3, 3).is_ok());
        assert!(single_line("ab", "Name", 3, 10).is_err());
        assert_eq!(
            single_line("", "Name", 2, 10).unwrap_err(),
            "Enter your name"
        );
    }
}
