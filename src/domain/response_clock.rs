//! The first-response clock: how long a new lead may wait for its first reply.

use super::lead_kind::LeadKind;
use super::lead_status::LeadStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTargets {
    pub discount_seconds: i64,
    pub sample_request_seconds: i64,
    pub inquiry_seconds: i64,
}

impl ResponseTargets {
    pub fn for_kind(&self, kind: LeadKind) -> i64 {
        match kind {
            LeadKind::Discount => self.discount_seconds,
            LeadKind::SampleRequest => self.sample_request_seconds,
            LeadKind::Inquiry => self.inquiry_seconds,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Someone has answered (the lead left `new`), or it is not a live lead.
    Stopped,
    Left(i64),
    Overdue(i64),
}

impl Clock {
    /// Only `new` leads are waiting; the clock stops at the first reply.
    pub fn of(
        kind: LeadKind,
        status: LeadStatus,
        created_at: i64,
        targets: &ResponseTargets,
        now: i64,
    ) -> Self {
        if status != LeadStatus::New {
            return Self::Stopped;
        }
        let due = created_at + targets.for_kind(kind);
        if now > due {
            Self::Overdue(now - due)
        } else {
            Self::Left(due - now)
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

    const TARGETS: ResponseTargets = ResponseTargets {
        discount_seconds: 7200,
        sample_request_seconds: 14400,
        inquiry_seconds: 28800,
    };

    #[test]
    fn a_new_discount_request_is_due_within_two_hours() {
        assert_eq!(
            Clock::of(LeadKind::Discount, LeadStatus::New, 0, &TARGETS, 3600),
            Clock::Left(3600)
        );
        assert_eq!(
            Clock::of(LeadKind::Discount, LeadStatus::New, 0, &TARGETS, 7300),
            Clock::Overdue(100)
        );
        assert_eq!(
            Clock::of(LeadKind::Inquiry, LeadStatus::New, 0, &TARGETS, 7300),
            Clock::Left(21500)
        );
    }

    #[test]
    fn the_clock_stops_once_the_lead_leaves_new() {
        assert_eq!(
            Clock::of(
                LeadKind::Discount,
                LeadStatus::Contacted,
                0,
                &TARGETS,
                99_999
            ),
            Clock::Stopped
        );
        assert_eq!(Clock::Stopped.describe(), "");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(65 * 60), "1 h 05 min");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3 * 86400 + 7200), "3 d 2 h");
        assert_eq!(Clock::Overdue(1200).describe(), "overdue by 20 min");
    }
}
