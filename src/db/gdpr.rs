//! A buyer's data on request: everything held about a contact, and erasure.

use diesel::prelude::*;

use super::lead_admin::{ContactRow, LeadRecordRow};
use super::schema::{contacts, lead_events, leads, outbox};
use super::{DbConnection, write_transaction};

/// What replaces erased personal values.
pub const ERASED: &str = "[erased]";

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct ExportedMail {
    kind: String,
    to_addr: String,
    reply_to: Option<String>,
    subject: String,
    body_text: String,
    status: String,
    sent_at: Option<i64>,
}

/// Everything held about a contact: the contact, its leads, their events and mails.
pub fn contact_export(
    conn: &mut DbConnection,
    contact_id: i64,
) -> QueryResult<Option<serde_json::Value>> {
    let Some(contact) = ContactRow::find(conn, contact_id)? else {
        return Ok(None);
    };
    let lead_rows: Vec<LeadRecordRow> = leads::table
        .filter(leads::contact_id.eq(contact_id))
        .order(leads::id)
        .select(LeadRecordRow::as_select())
        .load(conn)?;
    let mut exported_leads = Vec::new();
    for lead in lead_rows {
        let events: Vec<(String, String, i64, Option<i64>)> = lead_events::table
            .filter(lead_events::lead_id.eq(lead.id))
            .order(lead_events::id)
            .select((
                lead_events::kind,
                lead_events::detail,
                lead_events::created_at,
                lead_events::actor_user_id,
            ))
            .load(conn)?;
        let mails: Vec<ExportedMail> = outbox::table
            .filter(outbox::lead_id.eq(lead.id))
            .order(outbox::id)
            .select(ExportedMail::as_select())
            .load(conn)?;
        exported_leads.push(serde_json::json!({
            "id": lead.id,
            "kind": lead.kind,
            "status": lead.status,
            "report_id": lead.report_id,
            "message": lead.message,
            "licence": lead.licence,
            "budget": lead.budget,
            "score": lead.score,
            "consent_text_version": lead.consent_text_version,
            "consent_at": lead.consent_at,
            "marketing_opt_in": lead.marketing_opt_in,
            "utm_source": lead.utm_source,
            "utm_medium": lead.utm_medium,
            "utm_campaign": lead.utm_campaign,
            "referrer": lead.referrer,
            "landing_path": lead.landing_path,
            "created_at": lead.created_at,
            "first_response_at": lead.first_response_at,
            "events": events.iter().map(|(kind, detail, at, actor)| serde_json::json!({
                "kind": kind, "detail": detail, "created_at": at, "actor_user_id": actor,
            })).collect::<Vec<_>>(),
            "mails": mails.iter().map(|m| serde_json::json!({ "kind": m.kind, "to": m.to_addr, "reply_to": m.reply_to, "subject": m.subject, "body_text": m.body_text, "status": m.status, "sent_at": m.sent_at })).collect::<Vec<_>>(),
        }));
    }
    Ok(Some(serde_json::json!({
        "contact": {
            "id": contact.id,
            "email": contact.email_normalized,
            "name": contact.name,
            "company": contact.company,
            "phone": contact.phone,
            "country": contact.country,
            "job_title": contact.job_title,
            "created_at": contact.created_at,
            "erased_at": contact.erased_at,
        },
        "leads": exported_leads,
    })))
}

/// Replaces every personal value of a contact, its leads and their mails with
/// a marker. Counts, kinds, statuses, scores and dates stay, so reports on
/// volumes still add up. Records who erased (`actor`; `None` = retention).
pub fn erase_contact(
    conn: &mut DbConnection,
    contact_id: i64,
    actor: Option<i64>,
    now: i64,
) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let erased: Option<Option<i64>> = contacts::table
            .find(contact_id)
            .select(contacts::erased_at)
            .first(conn)
            .optional()?;
        let Some(previously) = erased else {
            return Ok(false);
        };
        if previously.is_some() {
            return Ok(false);
        }
        diesel::update(contacts::table.find(contact_id))
            .set((
                contacts::email_normalized.eq(format!("erased-{contact_id}@erased.invalid")),
                contacts::email_domain.eq(""),
                contacts::name.eq(ERASED),
                contacts::company.eq(ERASED),
                contacts::phone.eq(None::<String>),
                contacts::job_title.eq(None::<String>),
                contacts::erased_at.eq(now),
                contacts::updated_at.eq(now),
            ))
            .execute(conn)?;
        let lead_ids: Vec<i64> = leads::table
            .filter(leads::contact_id.eq(contact_id))
            .select(leads::id)
            .load(conn)?;
        diesel::update(
            leads::table
                .filter(leads::id.eq_any(&lead_ids))
                .filter(leads::message.is_not_null()),
        )
        .set(leads::message.eq(ERASED))
        .execute(conn)?;
        diesel::update(leads::table.filter(leads::id.eq_any(&lead_ids)))
            .set((
                leads::budget.eq(None::<String>),
                leads::referrer.eq(None::<String>),
                leads::landing_path.eq(None::<String>),
                leads::updated_at.eq(now),
            ))
            .execute(conn)?;
        // Notes and score reasons may quote the buyer; mail errors may name them.
        diesel::update(
            lead_events::table
                .filter(lead_events::lead_id.eq_any(&lead_ids))
                .filter(lead_events::kind.eq_any(["note", "created", "mail_dead", "released"])),
        )
        .set(lead_events::detail.eq(ERASED))
        .execute(conn)?;
        // A mail not yet sent would now go nowhere: it is closed as dead.
        diesel::update(
            outbox::table
                .filter(outbox::lead_id.eq_any(&lead_ids))
                .filter(outbox::status.eq("pending")),
        )
        .set((
            outbox::status.eq("dead"),
            outbox::claimed_until.eq(None::<i64>),
        ))
        .execute(conn)?;
        diesel::update(outbox::table.filter(outbox::lead_id.eq_any(&lead_ids)))
            .set((
                outbox::to_addr.eq(ERASED),
                outbox::reply_to.eq(None::<String>),
                outbox::subject.eq(ERASED),
                outbox::body_text.eq(ERASED),
                outbox::body_html.eq(ERASED),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?;
        for lead_id in &lead_ids {
            diesel::insert_into(lead_events::table)
                .values((
                    lead_events::lead_id.eq(lead_id),
                    lead_events::actor_user_id.eq(actor),
                    lead_events::kind.eq("erased"),
                    lead_events::detail.eq(if actor.is_some() {
                        "on request"
                    } else {
                        "retention"
                    }),
                    lead_events::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(true)
    })
}

pub const SPAM_KEPT_DAYS: i64 = 30;
const DAY: i64 = 86_400;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub spam_purged: usize,
    pub contacts_erased: usize,
}

/// The retention policy: spam older than 30 days is deleted; contacts whose
/// leads are all `lost` or `spam` and all older than `retention_days` are erased.
pub fn apply_retention(
    conn: &mut DbConnection,
    retention_days: i64,
    now: i64,
) -> QueryResult<RetentionOutcome> {
    let spam_cutoff = now - SPAM_KEPT_DAYS * DAY;
    let spam: Vec<(i64, i64)> = leads::table
        .filter(leads::status.eq("spam"))
        .filter(leads::created_at.lt(spam_cutoff))
        .select((leads::id, leads::contact_id))
        .load(conn)?;
    let spam_ids: Vec<i64> = spam.iter().map(|(id, _)| *id).collect();
    write_transaction(conn, |conn| {
        diesel::delete(lead_events::table.filter(lead_events::lead_id.eq_any(&spam_ids)))
            .execute(conn)?;
        diesel::delete(outbox::table.filter(
            outbox::lead_id.eq_any(spam_ids.iter().map(|id| Some(*id)).collect::<Vec<_>>()),
        ))
        .execute(conn)?;
        diesel::delete(leads::table.filter(leads::id.eq_any(&spam_ids))).execute(conn)?;
        // Contacts that only ever sent spam go with it.
        for (_, contact_id) in &spam {
            let left: i64 = leads::table
                .filter(leads::contact_id.eq(contact_id))
                .count()
                .get_result(conn)?;
            if left == 0 {
                diesel::delete(contacts::table.find(contact_id)).execute(conn)?;
            }
        }
        Ok::<_, diesel::result::Error>(())
    })?;

    let cutoff = now - retention_days * DAY;
    let candidates: Vec<i64> = contacts::table
        .filter(contacts::erased_at.is_null())
        .filter(diesel::dsl::exists(
            leads::table.filter(leads::contact_id.eq(contacts::id)),
        ))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            leads::table
                .filter(leads::contact_id.eq(contacts::id))
                .filter(
                    leads::status
                        .ne_all(["lost", "spam"])
                        .or(leads::created_at.ge(cutoff)),
                ),
        )))
        .select(contacts::id)
        .load(conn)?;
    let mut erased = 0;
    for contact_id in candidates {
        if erase_contact(conn, contact_id, None, now)? {
            erased += 1;
        }
    }
    Ok(RetentionOutcome {
        spam_purged: spam_ids.len(),
        contacts_erased: erased,
    })
}
