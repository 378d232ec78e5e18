//! Mail that comes in: what kind it is, where it stands, what it carried.

use serde::{Deserialize, Serialize};

/// What a received mail is; stored in `inbound_mail.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundKind {
    /// A person answered.
    Reply,
    /// An out-of-office or other automatic answer.
    AutoReply,
    /// A delivery status notification: our mail did not arrive.
    Bounce,
}

impl InboundKind {
    pub const ALL: [InboundKind; 3] = [Self::Reply, Self::AutoReply, Self::Bounce];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::AutoReply => "auto_reply",
            Self::Bounce => "bounce",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_db() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Reply => "Reply from the buyer",
            Self::AutoReply => "Automatic reply",
            Self::Bounce => "Bounce",
        }
    }
}

/// Where a received mail stands; stored in `inbound_mail.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundState {
    /// Filed on a lead.
    Matched,
    /// No lead found: waits in the admins' list.
    Unmatched,
    /// An admin set it aside.
    Discarded,
}

impl InboundState {
    pub const ALL: [InboundState; 3] = [Self::Matched, Self::Unmatched, Self::Discarded];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::Unmatched => "unmatched",
            Self::Discarded => "discarded",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }
}

/// An attachment, listed by name and size (never served).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub size: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_and_state_round_trips_through_its_stored_name() {
        for kind in InboundKind::ALL {
            assert_eq!(InboundKind::from_db(kind.as_db()), Some(kind));
        }
        for state in InboundState::ALL {
            assert_eq!(InboundState::from_db(state.as_db()), Some(state));
        }
    }
}
