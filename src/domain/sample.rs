//! Samples: which requests get theirs at once, and where a lead's sample
//! stands.

use serde::{Deserialize, Serialize};

/// `REPORTDESK_SAMPLE_RELEASE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleRelease {
    /// A business address (not free mail) and a score at or above the minimum.
    Business,
    /// Every request that is not spam.
    All,
    /// None automatically: a person sends each.
    Review,
}

impl SampleRelease {
    /// Whether a (non-spam) request gets its sample without a person's check.
    pub fn releases(self, score: i32, min_score: i32, free_mail: bool) -> bool {
        match self {
            Self::Business => !free_mail && score >= min_score,
            Self::All => true,
            Self::Review => false,
        }
    }
}

/// How samples are handed out (`REPORTDESK_SAMPLE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleRules {
    pub release: SampleRelease,
    pub min_score: i32,
    pub link_days: i64,
    pub max_downloads: i32,
}

/// Where a sample request's sample stands, for the list and its filter:
/// nothing sent yet, a link sent, a link used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleStage {
    Awaiting,
    Sent,
    Downloaded,
}

impl SampleStage {
    pub const ALL: [SampleStage; 3] = [Self::Awaiting, Self::Sent, Self::Downloaded];

    /// The value in the list's query string.
    pub fn as_param(&self) -> &'static str {
        match self {
            Self::Awaiting => "awaiting",
            Self::Sent => "sent",
            Self::Downloaded => "downloaded",
        }
    }

    pub fn from_param(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_param() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Awaiting => "awaiting review",
            Self::Sent => "sent",
            Self::Downloaded => "downloaded",
        }
    }

    /// A sample request's stage from its links: whether it has any, and
    /// whether any was used. `None` for the other kinds.
    pub fn of(is_sample_request: bool, has_link: bool, downloaded: bool) -> Option<Self> {
        match (is_sample_request, has_link, downloaded) {
            (false, _, _) => None,
            (true, _, true) => Some(Self::Downloaded),
            (true, true, false) => Some(Self::Sent),
            (true, false, false) => Some(Self::Awaiting),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_releases_only_business_addresses_with_the_score() {
        assert!(SampleRelease::Business.releases(55, 40, false));
        assert!(!SampleRelease::Business.releases(55, 40, true));
        assert!(!SampleRelease::Business.releases(30, 40, false));
        assert!(SampleRelease::All.releases(0, 40, true));
        assert!(!SampleRelease::Review.releases(100, 40, false));
    }
}
