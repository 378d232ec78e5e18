//! The next step on a lead's page: `POST /admin/leads/{id}/next-step`, and
//! the same two fields read with a status change.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::actions::{after_change, refuse};
use crate::db::{now_unix, run_blocking};
use crate::domain::text::single_line;
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{CsrfForm, Staff};
use crate::workflow::follow_up::{NextStep, set_next_step};

/// Both fields or neither: `Ok(None)` when both are blank. The due time is
/// a browser's `datetime-local` value (`2026-11-28T10:00`), read in the
/// desk's time zone.
pub fn parse_next_step(
    action: &str,
    due: &str,
    desk: &WorkingHours,
) -> Result<Option<NextStep>, String> {
    match (action.trim().is_empty(), due.trim().is_empty()) {
        (true, true) => return Ok(None),
        (false, false) => {}
        _ => return Err("Give both the next step and when it is due".into()),
    }
    let action = single_line(action, "Next step", 2, 200)?;
    let due_at = desk
        .read_local(due)
        .ok_or_else(|| "Give the due time as a date and a time".to_owned())?;
    Ok(Some(NextStep { due_at, action }))
}

#[derive(Deserialize)]
pub struct NextStepForm {
    #[serde(default)]
    next_action: String,
    #[serde(default)]
    next_due: String,
}

pub async fn set(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<NextStepForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let step = match parse_next_step(
        &form.next_action,
        &form.next_due,
        &state.settings.working_hours(),
    ) {
        Ok(Some(step)) => step,
        Ok(None) => {
            return refuse(&state, &staff, id, "Give the next step and when it is due").await;
        }
        Err(problem) => return refuse(&state, &staff, id, &problem).await,
    };
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(set_next_step(conn, id, &step, actor, now_unix()))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_step_needs_both_fields_and_a_real_time() {
        let utc = WorkingHours::always();
        assert!(parse_next_step("", "", &utc).unwrap().is_none());
        let step = parse_next_step("Send the proposal", "2026-11-28T10:00", &utc)
            .unwrap()
            .unwrap();
        assert_eq!(step.due_at, 1_795_860_000);
        assert!(parse_next_step("Call", "", &utc).is_err());
        assert!(parse_next_step("Call back", "tomorrow", &utc).is_err());
    }

    #[test]
    fn a_due_time_is_read_in_the_desks_time_zone() {
        let berlin = WorkingHours::parse("Mon-Fri 09:00-18:00", "Europe/Berlin").unwrap();
        let step = parse_next_step("Call back", "2026-11-28T10:00", &berlin)
            .unwrap()
            .unwrap();
        assert_eq!(step.due_at, 1_795_860_000 - 3600);
    }
}
