//! Who owns a lead: the routing rule for the buyer's country, else the next
//! active sales user in turn; or whom staff choose.

use diesel::QueryResult;

use super::LeadChangeError;
use super::notify_owner::tell_owner;
use crate::db::models::lead::Lead;
use crate::db::models::lead_event;
use crate::db::models::routing::{Candidate, active_sales, active_user, next_turn, ruled_owner};
use crate::db::{DbConnection, write_transaction};
use crate::domain::lead_event::LeadEvent;
use crate::domain::mail_kind::MailKind;
use crate::domain::owner::AssignedOwner;
use crate::mail::compose::MailSetup;

/// Chooses and records the owner of a just-stored (or released) lead, inside
/// the caller's transaction. `None` when there is no rule and no active sales
/// user: the sales inbox still hears of the lead.
pub fn assign_new_lead(
    conn: &mut DbConnection,
    lead_id: i64,
    country: &str,
    now: i64,
) -> QueryResult<Option<AssignedOwner>> {
    let Some(((id, email, name), by)) = choose(conn, country)? else {
        return Ok(None);
    };
    Lead::set_owner(conn, lead_id, Some(id), now)?;
    let event = LeadEvent::Assigned {
        from: None,
        to: Some(id),
        by: Some(by.clone()),
    };
    lead_event::record(conn, lead_id, None, &event, now)?;
    Ok(Some(AssignedOwner {
        id,
        email,
        name,
        by,
    }))
}

fn choose(conn: &mut DbConnection, country: &str) -> QueryResult<Option<(Candidate, String)>> {
    if let Some(user_id) = ruled_owner(conn, country)? {
        if let Some(user) = active_user(conn, user_id)? {
            return Ok(Some((user, format!("routing rule for {country}"))));
        }
    }
    let sales = active_sales(conn)?;
    if sales.is_empty() {
        return Ok(None);
    }
    let turn = next_turn(conn)?;
    let index = usize::try_from((turn - 1).rem_euclid(sales.len() as i64)).unwrap_or(0);
    Ok(Some((sales[index].clone(), "round-robin".to_owned())))
}

/// Staff give a lead to a user (or to nobody); answers whether the owner
/// changed. A new owner other than the person assigning is mailed
/// (`setup`: `None` in a bulk change, which mails once for the batch): the
/// lead is theirs now.
pub fn reassign(
    conn: &mut DbConnection,
    id: i64,
    owner: Option<i64>,
    actor: i64,
    setup: Option<&MailSetup>,
    now: i64,
) -> Result<bool, LeadChangeError> {
    write_transaction(conn, |conn| {
        let lead = Lead::find(conn, id)?.ok_or(LeadChangeError::NotFound)?;
        if lead.assignee_id == owner {
            return Ok(false);
        }
        if let Some(user_id) = owner {
            if active_user(conn, user_id)?.is_none() {
                return Err(LeadChangeError::Refused(
                    "Choose an active user as the owner",
                ));
            }
        }
        Lead::set_owner(conn, id, owner, now)?;
        let event = LeadEvent::Assigned {
            from: lead.assignee_id,
            to: owner,
            by: None,
        };
        lead_event::record(conn, id, Some(actor), &event, now)?;
        if let (Some(setup), true) = (setup, owner.is_some_and(|owner| owner != actor)) {
            tell_owner(conn, id, MailKind::OwnerNotification, setup, now)?;
        }
        Ok(true)
    })
}
