use super::*;

const HOUR: i64 = 3600;

fn office(zone: &str) -> WorkingHours {
    WorkingHours::parse("Mon-Fri 09:00-18:00", zone).unwrap()
}

/// A wall-clock time in the hours' own zone.
fn at(hours: &WorkingHours, local: &str) -> i64 {
    hours.read_local(local).unwrap()
}

#[test]
fn an_inquiry_sent_on_friday_evening_is_not_overdue_on_saturday_night() {
    let hours = office("Europe/Berlin");
    let friday_evening = at(&hours, "2026-11-27T19:30");
    let saturday_night = at(&hours, "2026-11-28T23:00");
    assert_eq!(hours.worked(friday_evening, saturday_night), 0);
    let cutoff = hours.cutoff(saturday_night, 8 * HOUR);
    assert!(
        friday_evening > cutoff,
        "an eight-hour target is not reached"
    );
    // It falls due on Monday at 17:00: eight working hours after 09:00.
    assert_eq!(
        hours.due(friday_evening, 8 * HOUR),
        at(&hours, "2026-11-30T17:00")
    );
}

#[test]
fn a_request_at_friday_noon_uses_friday_afternoon_and_monday_morning() {
    let hours = office("UTC");
    let friday_noon = at(&hours, "2026-11-27T12:00");
    let due = hours.due(friday_noon, 8 * HOUR);
    assert_eq!(due, at(&hours, "2026-11-30T11:00"));
    assert_eq!(hours.worked(friday_noon, due), 8 * HOUR);
    // The cutoff at the due instant is the request itself: the two agree.
    assert_eq!(hours.cutoff(due, 8 * HOUR), friday_noon);
}

#[test]
fn the_cutoff_is_the_latest_start_already_past_the_target() {
    let hours = office("America/New_York");
    let tuesday_ten = at(&hours, "2026-12-01T10:00");
    let cutoff = hours.cutoff(tuesday_ten, 2 * HOUR);
    // Two working hours back from 10:00 Tuesday: Monday 17:00.
    assert_eq!(cutoff, at(&hours, "2026-11-30T17:00"));
    assert_eq!(hours.worked(cutoff, tuesday_ten), 2 * HOUR);
    assert_eq!(hours.worked(cutoff + 60, tuesday_ten), 2 * HOUR - 60);
}

#[test]
fn a_day_with_a_daylight_saving_change_keeps_its_working_hours() {
    // Berlin moves clocks back on Sunday 25 October 2026; a 24-hour window
    // makes that Sunday 25 hours long, and working time says so.
    let hours = WorkingHours::parse("Mon-Sun 00:00-24:00", "Europe/Berlin").unwrap();
    assert!(hours.is_always());
    let every_day = WorkingHours::parse("Sun 00:00-23:59", "Europe/Berlin").unwrap();
    let sunday = at(&every_day, "2026-10-25T00:00");
    let monday = at(&every_day, "2026-10-26T00:00");
    assert_eq!(monday - sunday, 25 * HOUR);
    assert_eq!(every_day.worked(sunday, monday), 25 * HOUR - 60);
    // An office day after the change still starts at 09:00 local time.
    let office = office("Europe/Berlin");
    let monday_nine = at(&office, "2026-10-26T09:00");
    assert_eq!(
        office.due(at(&office, "2026-10-24T12:00"), HOUR),
        monday_nine + HOUR
    );
}

#[test]
fn always_counts_every_second() {
    let hours = WorkingHours::always();
    assert_eq!(hours.worked(100, 7300), 7200);
    assert_eq!(hours.due(100, 7200), 7300);
    assert_eq!(hours.cutoff(7300, 7200), 100);
}

#[test]
fn months_are_counted_by_weeks_without_walking_every_day() {
    let hours = office("UTC");
    let start = at(&hours, "2024-01-01T00:00");
    let end = at(&hours, "2026-01-05T00:00");
    // 105 weeks of five nine-hour days.
    assert_eq!(hours.worked(start, end), 105 * 5 * 9 * HOUR);
}

#[test]
fn working_hours_are_written_as_days_and_a_window() {
    let hours = WorkingHours::parse("Mon,Wed,Fri-Sat 08:30-17:00", "Asia/Kolkata").unwrap();
    assert_eq!(hours.days, [true, false, true, false, true, true, false]);
    assert_eq!((hours.start, hours.end), (510, 1020));
    assert_eq!(hours.zone_name(), "Asia/Kolkata");
    for wrong in [
        "Mon-Fri",
        "Weekdays 09:00-18:00",
        "Fri-Mon 09:00-18:00",
        "Mon-Fri 18:00-09:00",
        "Mon-Fri 09:00-25:00",
        "Mon-Fri 9-18",
    ] {
        assert!(WorkingHours::parse(wrong, "UTC").is_err(), "{wrong}");
    }
    let zone = WorkingHours::parse("always", "Mars/Olympus").unwrap_err();
    assert!(zone.contains("time zone"), "{zone}");
}

#[test]
fn the_desk_reads_times_in_its_own_zone() {
    let hours = office("Europe/Berlin");
    let instant = at(&hours, "2026-11-27T15:03");
    assert_eq!(hours.format(instant), "2026-11-27 15:03 CET");
    assert_eq!(hours.local_input(instant), "2026-11-27T15:03");
    assert_eq!(instant, 1_795_788_180);
    assert_eq!(hours.start_of_day(instant), at(&hours, "2026-11-27T00:00"));
    assert_eq!(WorkingHours::always().format(0), "1970-01-01 00:00 UTC");
}
