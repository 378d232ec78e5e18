//! Where a lead stands in the sales process.

/// Serialised by its stored name, as in event details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Proposal,
    Won,
    Lost,
    Spam,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 7] = [
        Self::New,
        Self::Contacted,
        Self::Qualified,
        Self::Proposal,
        Self::Won,
        Self::Lost,
        Self::Spam,
    ];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Qualified => "qualified",
            Self::Proposal => "proposal",
            Self::Won => "won",
            Self::Lost => "lost",
            Self::Spam => "spam",
        }
    }

    /// The statuses whose lead still waits for a first contact when it has
    /// had none: closed and spam leads wait for nothing.
    pub const AWAITING_CONTACT: [LeadStatus; 4] =
        [Self::New, Self::Contacted, Self::Qualified, Self::Proposal];

    /// Moving a lead here needs a next step with a due time: a deal in
    /// progress must not sit with nothing planned.
    pub fn needs_next_step(&self) -> bool {
        matches!(self, Self::Contacted | Self::Qualified | Self::Proposal)
    }

    pub fn awaits_contact(&self) -> bool {
        Self::AWAITING_CONTACT.contains(self)
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }
}

/// The stored name.
impl std::fmt::Display for LeadStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_round_trips_through_its_stored_name() {
        for status in LeadStatus::ALL {
            assert_eq!(LeadStatus::from_db(status.as_db()), Some(status));
        }
        assert_eq!(LeadStatus::from_db("open"), None);
    }
}
