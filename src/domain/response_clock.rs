//! The first-response clock: how long a new lead may wait for its first reply.

use super::lead_kind::LeadKind;
use super::lead_status::LeadStatus;
use super::working_hours::WorkingHours;

/// Targets per kind, in working seconds: they count only `hours`.
#[derive(Debug, Clone)]
pub struct ResponseTargets {
    pub discount_seconds: i64,
    pub sample_request_seconds: i64,
    pub inquiry_seconds: i64,
    pub hours: WorkingHours,
}

impl ResponseTargets {
    pub fn for_kind(&self, kind: LeadKind) -> i64 {
        match kind {
            LeadKind::Discount => self.discount_seconds,
            LeadKind::SampleRequest => self.sample_request_seconds,
            LeadKind::Inquiry => self.inquiry_seconds,
        }
    }

    /// Leads of `kind` created before this instant are past their target
    /// at `now` (what the overdue queries compare `created_at` with).
    pub fn cutoff(&self, kind: LeadKind, now: i64) -> i64 {
        self.hours.cutoff(now, self.for_kind(kind))
    }

    /// When a lead of `kind` received at `received_at` falls due.
    pub fn due(&self, kind: LeadKind, received_at: i64) -> i64 {
        self.hours.due(received_at, self.for_kind(kind))
    }
}

/// What the clock needs to know of a lead.
#[derive(Debug, Clone, Copy)]
pub struct ClockedLead {
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub created_at: i64,
    /// `leads.first_response_at`: the first real contact.
    pub first_contact_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Someone has made contact (a mail from the desk reached the relay, or a
    /// call was logged), or the lead is closed or spam.
    Stopped,
    Left(i64),
    Overdue(i64),
}

impl Clock {
    /// An open lead waits until its first real contact; a status change
    /// alone does not stop the clock.
    pub fn of(lead: ClockedLead, targets: &ResponseTargets, now: i64) -> Self {
        let ClockedLead {
            kind,
            status,
            created_at,
            first_contact_at,
        } = lead;
        if first_contact_at.is_some() || !status.awaits_contact() {
            return Self::Stopped;
        }
        // Counted in working time, and overdue exactly when the overdue
        // queries say so (`created_at < cutoff`).
        let target = targets.for_kind(kind);
        let worked = targets.hours.worked(created_at, now);
        if created_at < targets.cutoff(kind, now) {
            Self::Overdue((worked - target).max(0))
        } else {
            Self::Left((target - worked).max(0))
        }
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self, Self::Overdue(_))
    }

    /// "1 h 05 min left", "overdue by 20 min", or "" when stopped.
    pub fn describe(&self) -> String {
        match self {
            Self::Stopped => String::new(),
            Self::Left(seconds) => format!("{} left", duration(*seconds)),
            Self::Overdue(seconds) => format!("overdue by {}", duration(*seconds)),
        }
    }
}

/// A duration for people: "2 d 3 h", "1 h 05 min", "12 min".
pub fn duration(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {mins:02} min")
    } else {
        format!("{mins} min")
    }
}

/// "just past the target" within the first minute, else "1 h 05 min past the target".
pub fn lateness(late_seconds: i64) -> String {
    if late_seconds < 60 {
        "just past the target".to_owned()
    } else {
        format!("{} past the target", duration(late_seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness_reads_as_a_sentence() {
        assert_eq!(lateness(0), "just past the target");
        assert_eq!(lateness(59), "just past the target");
        assert_eq!(lateness(3_900), "1 h 05 min past the target");
    }

    fn targets() -> ResponseTargets {
        ResponseTargets {
            discount_seconds: 7200,
            sample_request_seconds: 14400,
            inquiry_seconds: 28800,
            hours: WorkingHours::always(),
        }
    }

    fn lead(kind: LeadKind, status: LeadStatus, first_contact_at: Option<i64>) -> ClockedLead {
        ClockedLead {
            kind,
            status,
            created_at: 0,
            first_contact_at,
        }
    }

    #[test]
    fn a_new_discount_request_is_due_within_two_hours() {
        let discount = lead(LeadKind::Discount, LeadStatus::New, None);
        assert_eq!(Clock::of(discount, &targets(), 3600), Clock::Left(3600));
        assert_eq!(Clock::of(discount, &targets(), 7300), Clock::Overdue(100));
        let inquiry = lead(LeadKind::Inquiry, LeadStatus::New, None);
        assert_eq!(Clock::of(inquiry, &targets(), 7300), Clock::Left(21500));
    }

    #[test]
    fn a_status_change_alone_does_not_stop_the_clock_but_a_first_contact_does() {
        let moved = lead(LeadKind::Discount, LeadStatus::Contacted, None);
        assert_eq!(Clock::of(moved, &targets(), 7300), Clock::Overdue(100));
        let reached = lead(LeadKind::Discount, LeadStatus::New, Some(50));
        assert_eq!(Clock::of(reached, &targets(), 99_999), Clock::Stopped);
        assert_eq!(Clock::Stopped.describe(), "");
    }

    #[test]
    fn closed_and_spam_leads_wait_for_nothing() {
        for status in [LeadStatus::Won, LeadStatus::Lost, LeadStatus::Spam] {
            let closed = lead(LeadKind::Discount, status, None);
            assert_eq!(Clock::of(closed, &targets(), 99_999), Clock::Stopped);
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(65 * 60), "1 h 05 min");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3 * 86400 + 7200), "3 d 2 h");
        assert_eq!(Clock::Overdue(1200).describe(), "overdue by 20 min");
    }

    #[test]
    fn the_clock_stops_outside_working_hours() {
        let office = ResponseTargets {
            hours: WorkingHours::parse("Mon-Fri 09:00-18:00", "UTC").unwrap(),
            ..targets()
        };
        let friday_five = office.hours.read_local("2026-11-27T17:00").unwrap();
        let saturday = office.hours.read_local("2026-11-28T22:00").unwrap();
        let discount = ClockedLead {
            created_at: friday_five,
            ..lead(LeadKind::Discount, LeadStatus::New, None)
        };
        // One of its two hours was worked on Friday; one is left on Monday.
        assert_eq!(Clock::of(discount, &office, saturday), Clock::Left(3600));
        let monday_ten_past_ten = office.hours.read_local("2026-11-30T10:10").unwrap();
        let late = Clock::of(discount, &office, monday_ten_past_ten);
        assert_eq!(late, Clock::Overdue(600));
        assert_eq!(
            office.due(LeadKind::Discount, friday_five),
            monday_ten_past_ten - 600
        );
    }
}
