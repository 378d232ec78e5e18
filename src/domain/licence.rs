//! The licence a discount request is for.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Licence {
    Single,
    Multi,
    Enterprise,
}

impl Licence {
    pub const ALL: [Licence; 3] = [Self::Single, Self::Multi, Self::Enterprise];

    /// The value in `leads.licence` and in the discount form.
    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multi => "multi",
            Self::Enterprise => "enterprise",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_db() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Single => "Single user",
            Self::Multi => "Multi-user (up to 10 people)",
            Self::Enterprise => "Enterprise (whole organisation)",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::from_db(value.trim())
            .ok_or_else(|| "Choose the licence you are interested in".to_owned())
    }
}

/// The stored name.
impl std::fmt::Display for Licence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}
