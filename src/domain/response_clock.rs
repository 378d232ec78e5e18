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
        assert_eq!(Clock::of(discount, &TARGETS, 3600), Clock::Left(3600));
        assert_eq!(Clock::of(discount, &TARGETS, 7300), Clock::Overdue(100));
        let inquiry = lead(LeadKind::Inquiry, LeadStatus::New, None);
        assert_eq!(Clock::of(inquiry, &TARGETS, 7300), Clock::Left(21500));
    }

    #[test]
    fn a_status_change_alone_does_not_stop_the_clock_but_a_first_contact_does() {
        let moved = lead(LeadKind::Discount, LeadStatus::Contacted, None);
        assert_eq!(Clock::of(moved, &TARGETS, 7300), Clock::Overdue(100));
        let reached = lead(LeadKind::Discount, LeadStatus::New, Some(50));
        assert_eq!(Clock::of(reached, &TARGETS, 99_999), Clock::Stopped);
        assert_eq!(Clock::Stopped.describe(), "");
    }

    #[test]
    fn closed_and_spam_leads_wait_for_nothing() {
        for status in [LeadStatus::Won, LeadStatus::Lost, LeadStatus::Spam] {
            let closed = lead(LeadKind::Discount, status, None);
            assert_eq!(Clock::of(closed, &TARGETS, 99_999), Clock::Stopped);
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(65 * 60), "1 h 05 min");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3 * 86400 + 7200), "3 d 2 h");
        assert_eq!(Clock::Overdue(1200).describe(), "overdue by 20 min");
    }
}
