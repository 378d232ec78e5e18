//! The three requests a buyer can make from a report page.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadKind {
    SampleRequest,
    Inquiry,
    Discount,
}

impl LeadKind {
    pub const ALL: [LeadKind; 3] = [Self::SampleRequest, Self::Inquiry, Self::Discount];

    /// The value in `leads.kind`.
    pub fn as_db(&self) -> &'static str {
        match self {
            Self::SampleRequest => "sample_request",
            Self::Inquiry => "inquiry",
            Self::Discount => "discount",
        }
    }

    /// The last segment of the form's URL.
    pub fn path_segment(&self) -> &'static str {
        match self {
            Self::SampleRequest => "sample-request",
            Self::Inquiry => "inquiry",
            Self::Discount => "discount",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_db() == value)
    }

    pub fn from_path_segment(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.path_segment() == value)
    }

    /// How sales and buyers see it, e.g. in a mail subject.
    pub fn label(&self) -> &'static str {
        match self {
            Self::SampleRequest => "Sample request",
            Self::Inquiry => "Inquiry",
            Self::Discount => "Discount",
        }
    }

    /// "An inquiry", "A sample request", "A discount request": the kind as a
    /// sentence's subject.
    pub fn with_article(&self) -> &'static str {
        match self {
            Self::SampleRequest => "A sample request",
            Self::Inquiry => "An inquiry",
            Self::Discount => "A discount request",
        }
    }

    /// Only an inquiry needs a message; for the others it is optional.
    pub fn message_required(&self) -> bool {
        matches!(self, Self::Inquiry)
    }
}

/// The stored name.
impl std::fmt::Display for LeadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_round_trips_through_its_names() {
        for kind in LeadKind::ALL {
            assert_eq!(LeadKind::from_db(kind.as_db()), Some(kind));
            assert_eq!(LeadKind::from_path_segment(kind.path_segment()), Some(kind));
        }
        assert_eq!(LeadKind::from_path_segment("sample_request"), None);
    }
}
