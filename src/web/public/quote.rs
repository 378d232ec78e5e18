//! `/quotes/{token}`: the buyer's quote — publisher, report, licence, list
//! price, discount, price, validity and terms — printable, with one button
//! to accept it. The token (signed over the offer and its expiry) is the
//! only key: no session, and no other site can know it to post for the
//! buyer. A changed token is 404; an expired, withdrawn or declined quote
//! is 410 with a button to ask for a new one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::sample::no_store;
use crate::db::{now_unix, run_blocking};
use crate::domain::offer::OfferState;
use crate::domain::pricing::format_price;
use crate::domain::publisher::Publisher;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::limit;
use crate::web::offer_steps::run_offer_step;
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::offer::OfferError;
use crate::workflow::quote::{self, QuoteSheet};

#[derive(Template)]
#[template(path = "public/quote.html")]
pub struct QuotePage {
    pub meta: PageMeta,
    pub publisher: Publisher,
    pub sheet: QuoteSheet,
    pub list_price: String,
    pub discount: String,
    pub price: String,
    pub valid_until: String,
    pub action: String,
    /// Sent: it may be accepted.
    pub open: bool,
    pub accepted: bool,
    /// Expired, withdrawn or declined.
    pub gone: bool,
    pub notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct Said {
    #[serde(default)]
    asked: Option<String>,
}

/// The offer a token names, if we signed it and it still names the same
/// validity (an offer is never re-dated, so a mismatch is a forgery).
async fn sheet_of(state: &AppState, token: &str) -> Result<QuoteSheet, PageError> {
    let [offer_id, valid_until] = state
        .mail_setup
        .quote_tokens
        .verify::<2>(token)
        .ok_or(PageError::NotFound)?;
    let sheet = run_blocking(&state.pool, move |conn| {
        Ok(match quote::sheet(conn, offer_id, now_unix()) {
            Ok(sheet) => Some(sheet),
            Err(OfferError::NotFound) => None,
            Err(other) => return Err(other.into()),
        })
    })
    .await?
    .filter(|s| s.offer.valid_until == valid_until)
    .ok_or(PageError::NotFound)?;
    Ok(sheet)
}

pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
    said: web::Query<Said>,
) -> Result<HttpResponse, PageError> {
    let sheet = sheet_of(&state, &token).await?;
    let offer = &sheet.offer;
    let state_now = offer.state;
    let gone = !matches!(state_now, OfferState::Sent | OfferState::Accepted);
    let view = QuotePage {
        meta: PageMeta::plain(&format!("Quote for {}", sheet.report_title))
            .footed_by(&state.mail_setup.publisher),
        publisher: state.mail_setup.publisher.clone(),
        list_price: format_price(offer.list_price_minor, &offer.currency),
        discount: format!("{:.1} %", offer.discount_percent),
        price: format_price(offer.price_minor, &offer.currency),
        valid_until: state.settings.working_hours().format(offer.valid_until),
        action: format!("/quotes/{}", token.as_str()),
        open: state_now == OfferState::Sent,
        accepted: state_now == OfferState::Accepted,
        gone,
        notice: said
            .asked
            .is_some()
            .then_some("We have told the sales team: a new quote follows by mail."),
        sheet,
    };
    let status = if gone {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    let mut response = page::render(&view, status)?;
    no_store(&mut response);
    Ok(response)
}

#[derive(Deserialize)]
pub struct QuoteForm {
    #[serde(default)]
    action: String,
}

pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    web::Form(form): web::Form<QuoteForm>,
) -> Result<HttpResponse, PageError> {
    limit(&state.rate_limiter, &state, &req, now_unix())?;
    let sheet = sheet_of(&state, &token).await?;
    let offer_id = sheet.offer.id;
    let renew = form.action == "renew";
    if !renew && form.action != "accept" {
        return Err(PageError::BadRequest);
    }
    let gone = !matches!(sheet.offer.state, OfferState::Sent | OfferState::Accepted);
    let asked = run_offer_step(&state, move |conn, desk, now| {
        if renew {
            if gone {
                quote::ask_renewal(conn, offer_id, desk, now)?;
            }
            return Ok(gone);
        }
        let answered = quote::accept(conn, offer_id, desk, now)?;
        tracing::info!(offer_id, ?answered, "quote answered");
        Ok(false)
    })
    .await?
    .map_err(|error| PageError::Internal(error.into()))?;
    let back = format!("/quotes/{}", token.as_str());
    Ok(see_other(&if asked {
        format!("{back}?asked=1")
    } else {
        back
    }))
}
