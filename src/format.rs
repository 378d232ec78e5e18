//! How times, durations and counts read to people, in pages and in mails alike.

/// `2026-11-25 14:03 UTC`
pub fn format_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "–".to_owned())
}

/// ISO 8601 in UTC, `2026-11-25T14:03:09Z`: what spreadsheets and scripts
/// read as a time without guessing the format.
pub fn iso_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A day as a person writes it: "26 November 2026".
pub fn format_date(unix: i64) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "–".to_owned())
}

/// A response target as a buyer reads it: "30 minutes", "4 hours", "2 days".
pub fn within_words(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let minutes = (seconds.max(60) + 59) / 60;
    if minutes % 1440 == 0 {
        plural(minutes / 1440, "day")
    } else if minutes % 60 == 0 {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

/// A kind's response target as a buyer reads it: "4 hours", or "4 working
/// hours" when only working time counts (then in hours, since a "day" of
/// working time is not a calendar day).
pub fn target_words(
    targets: &crate::domain::response_clock::ResponseTargets,
    kind: crate::domain::lead_kind::LeadKind,
) -> String {
    let seconds = targets.for_kind(kind);
    if targets.hours.is_always() {
        return within_words(seconds);
    }
    let minutes = (seconds.max(60) + 59) / 60;
    let plural =
        |n: i64, unit: &str| format!("{n} working {unit}{}", if n == 1 { "" } else { "s" });
    if minutes % 60 == 0 {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

/// A count for display: "1,234", or "10,000+" past `cap`.
pub fn count_label(count: i64, cap: i64) -> String {
    let capped = count > cap;
    let digits = count.min(cap).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if capped {
        out.push('+');
    }
    out
}

/// "1st", "2nd", "3rd", "11th", "21st".
/// How long ago, shortly: "5 min", "3 h", "12 d".
pub fn age(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// "812 B", "14 KB", "2.3 MB".
pub fn bytes(n: usize) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{} KB", n / 1_000),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_targets_read_as_a_buyer_would_say_them() {
        assert_eq!(within_words(14_400), "4 hours");
        assert_eq!(within_words(3_600), "1 hour");
        assert_eq!(within_words(5_400), "90 minutes");
        assert_eq!(within_words(172_800), "2 days");
        assert_eq!(within_words(0), "1 minute");
    }

    #[test]
    fn counts_are_grouped_and_capped() {
        assert_eq!(count_label(7, 10_000), "7");
        assert_eq!(count_label(1234, 10_000), "1,234");
        assert_eq!(count_label(10_000, 10_000), "10,000");
        assert_eq!(count_label(10_001, 10_000), "10,000+");
    }

    #[test]
    fn ordinals_read_as_english() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
    }

    #[test]
    fn times_read_in_utc_to_the_minute() {
        assert_eq!(format_time(1_764_079_380), "2025-11-25 14:03 UTC");
    }
}
