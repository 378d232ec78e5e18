//! The mails the outbox carries, and where each stands.

/// Why a mail was written; stored in `outbox.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// To the sales inbox: a lead came in.
    SalesNotification,
    /// To the buyer: we received your request.
    BuyerConfirmation,
    /// To the lead's owner: a lead is yours.
    OwnerNotification,
    /// To the owner and the sales inbox: a lead is past its response target.
    Escalation,
    /// To a staff member: failed logins to their account from many addresses.
    AccountAlert,
    /// To a staff member who forgot their password: a link to set one.
    PasswordReset,
    /// To the buyer: the link to their report sample.
    SampleLink,
    /// To the lead's owner: the buyer opened the sample.
    SampleOpened,
    /// To the buyer: written by staff on the lead's page.
    DeskMail,
    /// To the lead's owner: the buyer answered.
    BuyerReplied,
    /// To the lead's owner: a mail to the buyer bounced.
    MailBounced,
    /// To an owner: their leads' next steps are due.
    FollowUpDue,
    /// To the sales inbox: next steps past due by the grace period.
    FollowUpLate,
    /// To the admins: a webhook endpoint failed for a day and was paused.
    WebhookPaused,
    /// To a staff member: an admin turned their two-factor login off.
    TwoFactorReset,
    /// To the admins: an offer past the sales discount limit waits.
    OfferWaiting,
    /// To an offer's proposer: it was approved or declined.
    OfferDecided,
    /// To the buyer: the quote, with its link.
    Quote,
    /// To the owner and the sales inbox: the buyer accepted a quote.
    QuoteAccepted,
    /// To the owner: the buyer asks for a new quote (theirs expired).
    QuoteRenewalAsked,
}

impl MailKind {
    pub const ALL: [MailKind; 20] = [
        Self::SalesNotification,
        Self::BuyerConfirmation,
        Self::OwnerNotification,
        Self::Escalation,
        Self::AccountAlert,
        Self::PasswordReset,
        Self::SampleLink,
        Self::SampleOpened,
        Self::DeskMail,
        Self::BuyerReplied,
        Self::MailBounced,
        Self::FollowUpDue,
        Self::FollowUpLate,
        Self::WebhookPaused,
        Self::TwoFactorReset,
        Self::OfferWaiting,
        Self::OfferDecided,
        Self::Quote,
        Self::QuoteAccepted,
        Self::QuoteRenewalAsked,
    ];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::SalesNotification => "sales_notification",
            Self::BuyerConfirmation => "buyer_confirmation",
            Self::OwnerNotification => "owner_notification",
            Self::Escalation => "escalation",
            Self::AccountAlert => "account_alert",
            Self::PasswordReset => "password_reset",
            Self::SampleLink => "sample_link",
            Self::SampleOpened => "sample_opened",
            Self::DeskMail => "desk_mail",
            Self::BuyerReplied => "buyer_replied",
            Self::MailBounced => "mail_bounced",
            Self::FollowUpDue => "follow_up_due",
            Self::FollowUpLate => "follow_up_late",
            Self::WebhookPaused => "webhook_paused",
            Self::TwoFactorReset => "two_factor_reset",
            Self::OfferWaiting => "offer_waiting",
            Self::OfferDecided => "offer_decided",
            Self::Quote => "quote",
            Self::QuoteAccepted => "quote_accepted",
            Self::QuoteRenewalAsked => "quote_renewal_asked",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_db() == value)
    }

    /// Mails a buyer receives come from the publisher by name; the rest from
    /// the desk.
    pub fn is_to_buyer(&self) -> bool {
        matches!(
            self,
            Self::BuyerConfirmation | Self::SampleLink | Self::DeskMail | Self::Quote
        )
    }

    /// Mails to the buyer that no person wrote: an address that bounced gets
    /// none of these until the buyer asks again.
    pub fn is_automatic_to_buyer(&self) -> bool {
        matches!(self, Self::BuyerConfirmation | Self::SampleLink)
    }

    /// "sales notification", for timelines and exports.
    pub fn label(&self) -> &'static str {
        match self {
            Self::SalesNotification => "sales notification",
            Self::BuyerConfirmation => "buyer confirmation",
            Self::OwnerNotification => "owner notification",
            Self::Escalation => "escalation",
            Self::AccountAlert => "account alert",
            Self::PasswordReset => "password reset",
            Self::SampleLink => "sample link",
            Self::SampleOpened => "sample opened",
            Self::DeskMail => "mail from the desk",
            Self::BuyerReplied => "buyer replied",
            Self::MailBounced => "mail bounced",
            Self::FollowUpDue => "follow-up due",
            Self::FollowUpLate => "follow-up late",
            Self::WebhookPaused => "webhook paused",
            Self::TwoFactorReset => "two-factor reset",
            Self::OfferWaiting => "offer waiting for approval",
            Self::OfferDecided => "offer decided",
            Self::Quote => "quote",
            Self::QuoteAccepted => "quote accepted",
            Self::QuoteRenewalAsked => "new quote asked for",
        }
    }
}

impl std::fmt::Display for MailKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

/// Where a mail in the outbox stands; stored in `outbox.status`. Ordered by
/// how much it needs a person: the state of several mails together (a
/// lead's) is their maximum — any dead one makes it dead, else any waiting
/// one pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxStatus {
    Sent,
    /// Not sent: the address bounced before; the buyer has not asked again.
    Suppressed,
    Pending,
    /// Accepted by the relay, then returned as undeliverable.
    Bounced,
    /// No attempts left; a person must look.
    Dead,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 5] = [
        Self::Sent,
        Self::Suppressed,
        Self::Pending,
        Self::Bounced,
        Self::Dead,
    ];

    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Suppressed => "suppressed",
            Self::Bounced => "bounced",
            Self::Dead => "dead",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }
}

impl std::fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_and_status_round_trips_through_its_stored_name() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::from_db(kind.as_db()), Some(kind));
        }
        for status in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::from_db(status.as_db()), Some(status));
        }
    }

    #[test]
    fn a_dead_mail_outweighs_a_pending_one_which_outweighs_a_sent_one() {
        use OutboxStatus::*;
        assert_eq!([Sent, Dead, Pending].into_iter().max(), Some(Dead));
        assert_eq!([Sent, Pending].into_iter().max(), Some(Pending));
        assert_eq!([Sent].into_iter().max(), Some(Sent));
    }
}
