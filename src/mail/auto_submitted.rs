//! The `Auto-Submitted` header (RFC 3834): tells auto-responders (and out of
//! office replies) not to answer our mail.

use lettre::message::header::{Header, HeaderName, HeaderValue};

use crate::domain::mail_kind::MailKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoSubmitted(&'static str);

impl AutoSubmitted {
    /// A buyer's confirmation answers their request (`auto-replied`); every
    /// other mail is made by the system (`auto-generated`).
    pub fn of(kind: MailKind) -> Self {
        match kind {
            MailKind::BuyerConfirmation => Self("auto-replied"),
            _ => Self::generated(),
        }
    }

    pub fn generated() -> Self {
        Self("auto-generated")
    }
}

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match value.trim() {
            "auto-replied" => Ok(Self("auto-replied")),
            "auto-generated" => Ok(Self("auto-generated")),
            other => Err(format!("unknown Auto-Submitted value {other:?}").into()),
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}
