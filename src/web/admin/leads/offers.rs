//! A lead's offers on its page: each with its state and the steps open to
//! the viewer, the form to propose one, and the POSTs that move them
//! (`/admin/leads/{id}/offers`, `/admin/offers/{id}`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::actions::refuse;
use super::detail::render_detail;
use crate::db::models::offer::Offer;
use crate::db::models::user::User;
use crate::db::queries::lead_detail::LeadDetail;
use crate::db::run_blocking;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::offer::OfferState;
use crate::domain::pricing::{currency_code, format_price, parse_amount};
use crate::domain::role::Role;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::web::offer_steps::run_offer_step;
use crate::web::page::see_other;
use crate::workflow::offer::{self, OfferError, Proposal};
use crate::workflow::quote::quote_path;

/// Days an offer is valid unless the rep says otherwise.
pub const DEFAULT_VALID_DAYS: i64 = 30;
const DAY: i64 = 86_400;

pub struct OffersView {
    pub rows: Vec<OfferRow>,
    /// Offers can be made: a discount request or inquiry, open, on a
    /// report with prices.
    pub can_propose: bool,
    /// (code, "Multi-user — list USD 6,499.00 / EUR 5,999.00").
    pub licences: Vec<(String, String)>,
    pub currencies: Vec<String>,
    /// The lead's own currency (a discount request's), else the report's.
    pub currency: String,
    pub valid_days: i64,
    /// "Sales may give up to 10 % alone; admins up to 40 %."
    pub limits: String,
}

pub struct OfferRow {
    pub id: i64,
    pub licence: String,
    pub price: String,
    pub valid_until: String,
    pub state: &'static str,
    pub proposed_by: String,
    /// The approver's note or reason.
    pub note: String,
    /// (action, button label) open to the viewer now.
    pub actions: Vec<(&'static str, &'static str)>,
    /// The quote page, once sent (for the rep to check what the buyer sees).
    pub quote_path: Option<String>,
}

fn actions_for(offer: &Offer, viewer: &User) -> Vec<(&'static str, &'static str)> {
    let admin = viewer.role == Role::Admin;
    match offer.state {
        OfferState::AwaitingApproval if admin => {
            vec![
                ("approve", "Approve"),
                ("decline", "Decline"),
                ("withdraw", "Withdraw"),
            ]
        }
        OfferState::Approved => vec![("send", "Send to the buyer"), ("withdraw", "Withdraw")],
        OfferState::AwaitingApproval | OfferState::Sent | OfferState::Draft => {
            vec![("withdraw", "Withdraw")]
        }
        _ => Vec::new(),
    }
}

pub fn offers_view(
    detail: &LeadDetail,
    viewer: &User,
    names: &std::collections::HashMap<i64, String>,
    state: &AppState,
    desk: &WorkingHours,
) -> OffersView {
    let lead = &detail.lead;
    let pricing = &detail.pricing;
    let open = !matches!(
        lead.status,
        LeadStatus::Won | LeadStatus::Lost | LeadStatus::Spam
    );
    let can_propose = open
        && matches!(lead.kind, LeadKind::Discount | LeadKind::Inquiry)
        && !pricing.licences.is_empty();
    let licence_name = |code: &str| {
        pricing
            .tier(code)
            .map_or(code.to_owned(), |t| t.name.clone())
    };
    let rows = detail
        .offers
        .iter()
        .map(|o| OfferRow {
            id: o.id,
            licence: licence_name(&o.licence),
            price: o.price_text(),
            valid_until: desk.format(o.valid_until),
            state: o.state.label(),
            proposed_by: names.get(&o.proposed_by).cloned().unwrap_or_default(),
            note: o.decision_note.clone().unwrap_or_default(),
            actions: actions_for(o, viewer),
            quote_path: matches!(o.state, OfferState::Sent | OfferState::Accepted)
                .then(|| quote_path(&state.mail_setup, o)),
        })
        .collect();
    let licences = pricing
        .licences
        .iter()
        .map(|tier| {
            let prices: Vec<String> = tier
                .prices
                .iter()
                .map(|(currency, minor)| format_price(*minor, currency))
                .collect();
            (
                tier.code.clone(),
                format!("{} — list {}", tier.name, prices.join(" / ")),
            )
        })
        .collect();
    let limits = state.settings.discount_limits();
    OffersView {
        rows,
        can_propose,
        licences,
        currencies: pricing.currencies(),
        currency: detail.price.as_ref().map_or_else(
            || pricing.default_currency().to_owned(),
            |p| p.currency.clone(),
        ),
        valid_days: DEFAULT_VALID_DAYS,
        limits: format!(
            "Sales may give up to {} % alone; more waits for an admin, who may give up to {} %.",
            limits.sales_percent, limits.admin_percent
        ),
    }
}

async fn answer(
    state: &AppState,
    staff: &Staff,
    lead_id: i64,
    outcome: anyhow::Result<Result<OfferState, OfferError>>,
) -> Result<HttpResponse, PageError> {
    match outcome? {
        Ok(_) => Ok(see_other(&format!("/admin/leads/{lead_id}#offers"))),
        Err(OfferError::NotFound) => Err(PageError::NotFound),
        Err(OfferError::Refused(why)) => render_detail(state, staff, lead_id, Some(why)).await,
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

#[derive(Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    licence: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    valid_days: String,
}

/// `POST /admin/leads/{id}/offers`: propose an offer.
pub async fn propose(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProposeForm>,
) -> Result<HttpResponse, PageError> {
    let lead_id = id.into_inner();
    let Some(currency) = currency_code(&form.currency) else {
        return refuse(&state, &staff, lead_id, "Choose the offer's currency").await;
    };
    let price = match parse_amount(&form.price, &currency) {
        Ok(price) => price,
        Err(problem) => return refuse(&state, &staff, lead_id, &problem).await,
    };
    let days: i64 = match form.valid_days.trim().parse() {
        Ok(days @ 1..=365) => days,
        _ => {
            return refuse(
                &state,
                &staff,
                lead_id,
                "Give how many days the offer is valid (1 to 365)",
            )
            .await;
        }
    };
    let proposer = staff.user.clone();
    let outcome = run_offer_step(&state, move |conn, desk, now| {
        let proposal = Proposal {
            lead_id,
            licence: form.licence.trim(),
            currency: &currency,
            price_minor: price,
            valid_until: now + days * DAY,
        };
        offer::propose(conn, &proposer, &proposal, desk, now).map(|(_, s)| s)
    })
    .await;
    answer(&state, &staff, lead_id, outcome).await
}

#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /admin/offers/{id}`: approve, decline, send or withdraw.
pub async fn act(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActForm>,
) -> Result<HttpResponse, PageError> {
    let offer_id = id.into_inner();
    let found = run_blocking(&state.pool, move |conn| Ok(Offer::find(conn, offer_id)?)).await?;
    let lead_id = found.ok_or(PageError::NotFound)?.lead_id;
    let actor = staff.user.clone();
    let outcome = run_offer_step(&state, move |conn, desk, now| match form.action.as_str() {
        "approve" => offer::decide(conn, &actor, offer_id, true, &form.note, desk, now),
        "decline" => offer::decide(conn, &actor, offer_id, false, &form.note, desk, now),
        "send" => offer::send(conn, &actor, offer_id, desk, now),
        "withdraw" => offer::withdraw(conn, &actor, offer_id, desk, now),
        _ => Err(OfferError::Refused(
            "Choose what to do with the offer.".into(),
        )),
    })
    .await;
    answer(&state, &staff, lead_id, outcome).await
}
