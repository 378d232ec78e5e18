//! Runs an offer's step (desk or buyer side) with what the workflow needs:
//! the discount limits, the mail set-up and the desk's hours; then wakes
//! the outbox for the mails the step queued.

use actix_web::web;

use crate::db::{DbConnection, now_unix, run_blocking};
use crate::state::AppState;
use crate::workflow::offer::{OfferDesk, OfferError};

pub async fn run_offer_step<T, F>(
    state: &web::Data<AppState>,
    work: F,
) -> anyhow::Result<Result<T, OfferError>>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &OfferDesk<'_>, i64) -> Result<T, OfferError> + Send + 'static,
{
    let keeper = state.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        let hours = keeper.settings.working_hours();
        let desk = OfferDesk {
            limits: keeper.settings.discount_limits(),
            setup: &keeper.mail_setup,
            hours: &hours,
        };
        Ok(work(conn, &desk, now_unix()))
    })
    .await;
    state.work_queued();
    outcome
}
