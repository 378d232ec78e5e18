//! A price offered to a buyer, and the one path it may take to them:
//!
//! ```text
//! draft ─submit─▶ approved ─────────────────────▶ sent ─accept─▶ accepted
//!   │      └────▶ awaiting approval ─approve─▶ approved  │
//!   │                      └─decline─▶ declined          └─expire─▶ expired
//!   └─ withdraw (from draft, awaiting, approved or sent) ─▶ withdrawn
//! ```
//!
//! Whether a submitted offer is approved at once, waits for an admin, or is
//! refused is the discount limits' call, by the proposer's role.

use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferState {
    Draft,
    AwaitingApproval,
    Approved,
    Declined,
    Sent,
    Accepted,
    Expired,
    Withdrawn,
}

impl OfferState {
    pub const ALL: [OfferState; 8] = [
        Self::Draft,
        Self::AwaitingApproval,
        Self::Approved,
        Self::Declined,
        Self::Sent,
        Self::Accepted,
        Self::Expired,
        Self::Withdrawn,
    ];

    /// The value in `offers.state`.
    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::AwaitingApproval => "awaiting approval",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Sent => "sent to the buyer",
            Self::Accepted => "accepted",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Nothing more happens to an offer in these states.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Declined | Self::Accepted | Self::Expired | Self::Withdrawn
        )
    }
}

impl std::fmt::Display for OfferState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

/// What someone does to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferAction {
    /// The proposer asks for it to go ahead (at their discount limit, it is
    /// approved at once).
    Submit,
    Approve,
    Decline,
    Send,
    Accept,
    Expire,
    Withdraw,
}

/// How far each role may discount without another's approval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscountLimits {
    /// A sales rep's offers up to this discount are approved at once.
    pub sales_percent: f64,
    /// Nobody offers more than this (admins' offers up to it need nobody).
    pub admin_percent: f64,
}

/// What the limits say of a discount proposed by a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clearance {
    Approved,
    NeedsApproval,
    /// Past the admins' limit: not offered at all.
    Refused,
}

impl DiscountLimits {
    pub fn clearance(&self, proposer: Role, discount_percent: f64) -> Clearance {
        if discount_percent > self.admin_percent {
            return Clearance::Refused;
        }
        match proposer {
            Role::Admin => Clearance::Approved,
            Role::Sales if discount_percent <= self.sales_percent => Clearance::Approved,
            Role::Sales => Clearance::NeedsApproval,
        }
    }
}

/// Why an offer cannot take a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferRefused {
    #[error("an offer that is {from} cannot be {action}")]
    NotNow {
        from: &'static str,
        action: &'static str,
    },
    #[error("the discount is above the {limit} % anyone may give")]
    AboveLimit { limit: String },
    #[error("only an admin can approve or decline an offer")]
    AdminsOnly,
}

fn action_label(action: OfferAction) -> &'static str {
    match action {
        OfferAction::Submit => "submitted",
        OfferAction::Approve => "approved",
        OfferAction::Decline => "declined",
        OfferAction::Send => "sent",
        OfferAction::Accept => "accepted",
        OfferAction::Expire => "expired",
        OfferAction::Withdraw => "withdrawn",
    }
}

/// Who acts, and what the offer's discount is, for the checks a step needs.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub action: OfferAction,
    pub actor: Role,
    pub discount_percent: f64,
}

impl OfferState {
    /// The state after `step`, or why it may not happen now.
    pub fn after(self, step: Step, limits: &DiscountLimits) -> Result<OfferState, OfferRefused> {
        use OfferAction as A;
        use OfferState as S;
        let refused = || OfferRefused::NotNow {
            from: self.label(),
            action: action_label(step.action),
        };
        match (self, step.action) {
            (S::Draft, A::Submit) => match limits.clearance(step.actor, step.discount_percent) {
                Clearance::Approved => Ok(S::Approved),
                Clearance::NeedsApproval => Ok(S::AwaitingApproval),
                Clearance::Refused => Err(OfferRefused::AboveLimit {
                    limit: format!("{}", limits.admin_percent),
                }),
            },
            (S::AwaitingApproval, A::Approve | A::Decline) if step.actor != Role::Admin => {
                Err(OfferRefused::AdminsOnly)
            }
            (S::AwaitingApproval, A::Approve) => Ok(S::Approved),
            (S::AwaitingApproval, A::Decline) => Ok(S::Declined),
            (S::Approved, A::Send) => Ok(S::Sent),
            (S::Sent, A::Accept) => Ok(S::Accepted),
            (S::AwaitingApproval | S::Approved | S::Sent, A::Expire) => Ok(S::Expired),
            (S::Draft | S::AwaitingApproval | S::Approved | S::Sent, A::Withdraw) => {
                Ok(S::Withdrawn)
            }
            _ => Err(refused()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: DiscountLimits = DiscountLimits {
        sales_percent: 10.0,
        admin_percent: 40.0,
    };

    fn step(action: OfferAction, actor: Role, discount_percent: f64) -> Step {
        Step {
            action,
            actor,
            discount_percent,
        }
    }

    fn after(
        state: OfferState,
        action: OfferAction,
        actor: Role,
        discount: f64,
    ) -> Result<OfferState, OfferRefused> {
        state.after(step(action, actor, discount), &LIMITS)
    }

    use OfferAction as A;
    use OfferState as S;

    #[test]
    fn a_reps_offer_within_their_limit_is_approved_at_once_and_above_it_waits() {
        assert_eq!(
            after(S::Draft, A::Submit, Role::Sales, 8.0),
            Ok(S::Approved)
        );
        assert_eq!(
            after(S::Draft, A::Submit, Role::Sales, 10.0),
            Ok(S::Approved)
        );
        assert_eq!(
            after(S::Draft, A::Submit, Role::Sales, 15.0),
            Ok(S::AwaitingApproval)
        );
    }

    #[test]
    fn nobody_offers_past_the_admins_limit() {
        for role in Role::ALL {
            assert!(matches!(
                after(S::Draft, A::Submit, role, 45.0),
                Err(OfferRefused::AboveLimit { .. })
            ));
        }
        assert_eq!(
            after(S::Draft, A::Submit, Role::Admin, 40.0),
            Ok(S::Approved)
        );
    }

    #[test]
    fn only_an_admin_approves_or_declines_a_waiting_offer() {
        assert_eq!(
            after(S::AwaitingApproval, A::Approve, Role::Admin, 15.0),
            Ok(S::Approved)
        );
        assert_eq!(
            after(S::AwaitingApproval, A::Decline, Role::Admin, 15.0),
            Ok(S::Declined)
        );
        assert_eq!(
            after(S::AwaitingApproval, A::Approve, Role::Sales, 15.0),
            Err(OfferRefused::AdminsOnly)
        );
        assert_eq!(
            after(S::AwaitingApproval, A::Decline, Role::Sales, 15.0),
            Err(OfferRefused::AdminsOnly)
        );
    }

    #[test]
    fn only_an_approved_offer_is_sent_and_only_a_sent_one_accepted() {
        assert_eq!(after(S::Approved, A::Send, Role::Sales, 5.0), Ok(S::Sent));
        assert_eq!(after(S::Sent, A::Accept, Role::Sales, 5.0), Ok(S::Accepted));
        for state in [
            S::Draft,
            S::AwaitingApproval,
            S::Declined,
            S::Sent,
            S::Accepted,
            S::Expired,
            S::Withdrawn,
        ] {
            assert!(
                after(state, A::Send, Role::Admin, 5.0).is_err(),
                "send from {state}"
            );
        }
        for state in [
            S::Draft,
            S::AwaitingApproval,
            S::Approved,
            S::Declined,
            S::Accepted,
            S::Expired,
            S::Withdrawn,
        ] {
            assert!(
                after(state, A::Accept, Role::Admin, 5.0).is_err(),
                "accept from {state}"
            );
        }
    }

    #[test]
    fn open_offers_expire_or_are_withdrawn_and_final_ones_never_move() {
        for state in [S::AwaitingApproval, S::Approved, S::Sent] {
            assert_eq!(after(state, A::Expire, Role::Admin, 5.0), Ok(S::Expired));
        }
        for state in [S::Draft, S::AwaitingApproval, S::Approved, S::Sent] {
            assert_eq!(
                after(state, A::Withdraw, Role::Sales, 5.0),
                Ok(S::Withdrawn)
            );
        }
        let actions = [
            A::Submit,
            A::Approve,
            A::Decline,
            A::Send,
            A::Accept,
            A::Expire,
            A::Withdraw,
        ];
        for state in OfferState::ALL.into_iter().filter(OfferState::is_final) {
            for action in actions {
                assert!(
                    after(state, action, Role::Admin, 5.0).is_err(),
                    "{action:?} from {state}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_says_what_state_and_step_clashed_and_states_round_trip() {
        let refused = after(S::Accepted, A::Send, Role::Admin, 5.0).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "an offer that is accepted cannot be sent"
        );
        for state in OfferState::ALL {
            assert_eq!(OfferState::from_db(state.as_db()), Some(state));
        }
    }
}
