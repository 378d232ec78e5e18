//! Working time: the hours in which the desk is expected to answer, in the
//! publisher's time zone. Response targets and follow-up grace count only
//! these hours, so an inquiry sent on Friday evening is not overdue on
//! Saturday night.
//!
//! Every question is answered by walking local days, each contributing its
//! window (`09:00`–`18:00` on working days) converted to instants with the
//! zone's rules, so a day with a daylight-saving change has its true length.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Past this many days, whole weeks are counted by their nominal length
/// instead of day by day (an hour's daylight-saving error on a months-old
/// lead does not matter; walking two years of days per list row would).
const EXACT_SPAN_DAYS: i64 = 28;

#[derive(Debug, Clone)]
pub struct WorkingHours {
    /// Monday first.
    days: [bool; 7],
    /// Minutes after local midnight; `end` may be 1440 (24:00).
    start: i32,
    end: i32,
    zone: TimeZone,
}

impl WorkingHours {
    /// Every second counts, in UTC: what a desk staffed around the clock
    /// (and a test that must not depend on the day it runs) wants.
    pub fn always() -> Self {
        Self {
            days: [true; 7],
            start: 0,
            end: 24 * 60,
            zone: TimeZone::UTC,
        }
    }

    /// `Mon-Fri 09:00-18:00`, `Mon,Wed,Fri 08:30-17:00`, `Mon-Sun
    /// 00:00-24:00` or `always`, in the IANA zone `zone` (`Europe/Berlin`).
    pub fn parse(spec: &str, zone: &str) -> Result<Self, String> {
        let zone_name = zone.trim();
        let tz = TimeZone::get(zone_name).map_err(|_| {
            format!("{zone_name:?} is not a time zone name such as UTC or Europe/Berlin")
        })?;
        let spec = spec.trim();
        if spec.eq_ignore_ascii_case("always") {
            return Ok(Self {
                zone: tz,
                ..Self::always()
            });
        }
        let wrong = || format!("{spec:?} is not working hours such as Mon-Fri 09:00-18:00");
        let (days, hours) = spec.split_once(' ').ok_or_else(wrong)?;
        let days = parse_days(days).ok_or_else(wrong)?;
        let (start, end) = hours.trim().split_once('-').ok_or_else(wrong)?;
        let (start, end) = (
            minutes(start).ok_or_else(wrong)?,
            minutes(end).ok_or_else(wrong)?,
        );
        if start >= end {
            return Err(format!(
                "{spec:?}: the working day must end after it starts"
            ));
        }
        Ok(Self {
            days,
            start,
            end,
            zone: tz,
        })
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The IANA name, for pages that say which zone their times are in.
    pub fn zone_name(&self) -> &str {
        self.zone.iana_name().unwrap_or("UTC")
    }

    /// Whether every second is working time (targets then read as plain
    /// hours, and arithmetic needs no calendar).
    pub fn is_always(&self) -> bool {
        self.days == [true; 7] && self.start == 0 && self.end == 24 * 60
    }

    /// Working seconds in `[from, to)`.
    pub fn worked(&self, from: i64, to: i64) -> i64 {
        if from >= to {
            return 0;
        }
        if self.is_always() {
            return to - from;
        }
        let (mut from, mut total) = (from, 0);
        let weeks = ((to - from) / 86_400 - EXACT_SPAN_DAYS) / 7;
        if weeks > 0 {
            total += weeks * self.nominal_week();
            from += weeks * 7 * 86_400;
        }
        for (start, end) in self.windows(self.local_date(from), Date::tomorrow) {
            if start >= to {
                break;
            }
            total += (end.min(to) - start.max(from)).max(0);
        }
        total
    }

    /// The instant at which `seconds` of working time have passed since
    /// `from`: when a target set at `from` falls due.
    pub fn due(&self, from: i64, seconds: i64) -> i64 {
        if self.is_always() || seconds <= 0 {
            return from.saturating_add(seconds.max(0));
        }
        let mut left = seconds;
        for (start, end) in self.windows(self.local_date(from), Date::tomorrow) {
            let begin = start.max(from);
            if end > begin {
                if left <= end - begin {
                    return begin + left;
                }
                left -= end - begin;
            }
        }
        i64::MAX
    }

    /// The latest start that has had `seconds` of working time by `now`:
    /// whatever began before it is past a target of `seconds`. This turns a
    /// working-time target into one `created_at < cutoff` in SQL.
    pub fn cutoff(&self, now: i64, seconds: i64) -> i64 {
        if self.is_always() || seconds <= 0 {
            return now.saturating_sub(seconds.max(0));
        }
        let mut left = seconds;
        for (start, end) in self.windows(self.local_date(now), Date::yesterday) {
            let finish = end.min(now);
            if finish > start {
                if left <= finish - start {
                    return finish - left;
                }
                left -= finish - start;
            }
        }
        i64::MIN
    }

    /// Local midnight of `now`'s day: where "today" begins on the desk.
    pub fn start_of_day(&self, now: i64) -> i64 {
        self.local_date(now)
            .to_zoned(self.zone.clone())
            .map_or(now - now.rem_euclid(86_400), |z| z.timestamp().as_second())
    }

    /// The last second of `now`'s local day.
    pub fn end_of_day(&self, now: i64) -> i64 {
        // 36 hours past midnight is always inside the next day, however
        // daylight saving shifts it.
        self.start_of_day(self.start_of_day(now) + 36 * 3600) - 1
    }

    /// Local midnight of the Monday of `now`'s week.
    pub fn start_of_week(&self, now: i64) -> i64 {
        let today = self.local_date(now);
        let back = i64::from(today.weekday().to_monday_zero_offset());
        let monday = self.start_of_day(now) - back * 86_400;
        // Round to that Monday's own midnight (a shift may lie between).
        self.start_of_day(monday + 12 * 3600)
    }

    /// `2026-11-27 15:03 CET`: an instant as the desk reads it.
    pub fn format(&self, unix: i64) -> String {
        self.zoned(unix).map_or_else(
            || "–".to_owned(),
            |z| z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
        )
    }

    /// `2026-11-27T15:03`: a `datetime-local` field's value.
    pub fn local_input(&self, unix: i64) -> String {
        self.zoned(unix)
            .map(|z| z.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    }

    /// A `datetime-local` value read as a time in this zone (in a
    /// daylight-saving gap, the later reading).
    pub fn read_local(&self, value: &str) -> Option<i64> {
        let datetime: jiff::civil::DateTime = value.trim().parse().ok()?;
        let zoned = datetime.to_zoned(self.zone.clone()).ok()?;
        Some(zoned.timestamp().as_second())
    }

    fn zoned(&self, unix: i64) -> Option<Zoned> {
        Timestamp::from_second(unix)
            .ok()
            .map(|t| t.to_zoned(self.zone.clone()))
    }

    fn local_date(&self, unix: i64) -> Date {
        self.zoned(unix).map_or(Date::ZERO, |z| z.date())
    }

    /// The working days' windows from `day` on, one day at a time by `step`
    /// (`Date::tomorrow` or `Date::yesterday`), until the calendar ends.
    fn windows(
        &self,
        day: Date,
        step: fn(Date) -> Result<Date, jiff::Error>,
    ) -> impl Iterator<Item = (i64, i64)> + '_ {
        std::iter::successors(Some(day), move |d| step(*d).ok())
            .filter(|d| self.works_on(*d))
            .map_while(|d| self.window(d))
    }

    fn works_on(&self, day: Date) -> bool {
        self.days[day.weekday().to_monday_zero_offset() as usize]
    }

    /// The day's window as instants; `None` off the calendar's ends.
    fn window(&self, day: Date) -> Option<(i64, i64)> {
        let at = |minute: i32| -> Option<i64> {
            let zoned = if minute >= 24 * 60 {
                day.tomorrow().ok()?.to_zoned(self.zone.clone()).ok()?
            } else {
                let time = Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).ok()?;
                day.to_datetime(time).to_zoned(self.zone.clone()).ok()?
            };
            Some(zoned.timestamp().as_second())
        };
        Some((at(self.start)?, at(self.end)?))
    }

    fn nominal_week(&self) -> i64 {
        let days = self.days.iter().filter(|d| **d).count() as i64;
        days * i64::from(self.end - self.start) * 60
    }
}

/// `Mon-Fri`, `Mon,Wed,Fri`, `Sat-Sun`, `Mon-Fri,Sun`.
fn parse_days(text: &str) -> Option<[bool; 7]> {
    let day = |name: &str| {
        let name = name.trim().to_ascii_lowercase();
        DAY_NAMES.iter().position(|d| name.get(..3) == Some(d))
    };
    let mut days = [false; 7];
    for part in text.split(',') {
        match part.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (day(first)?, day(last)?);
                if first > last {
                    return None;
                }
                days[first..=last].iter_mut().for_each(|d| *d = true);
            }
            None => days[day(part)?] = true,
        }
    }
    days.contains(&true).then_some(days)
}

/// `09:00` → 540; `24:00` → 1440.
fn minutes(text: &str) -> Option<i32> {
    let (hours, mins) = text.trim().split_once(':')?;
    let (hours, mins): (i32, i32) = (hours.parse().ok()?, mins.parse().ok()?);
    let valid = (0..=24).contains(&hours) && (0..60).contains(&mins) && hours * 60 + mins <= 1440;
    valid.then_some(hours * 60 + mins)
}

#[cfg(test)]
mod tests;
