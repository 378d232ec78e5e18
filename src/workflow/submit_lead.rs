//! A buyer's request becomes a lead: DESIGN §1 in one transaction — the
//! contact, the lead and its `created` event, the owner, the mails.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::assign_owner::assign_new_lead;
use super::deliver_sample::new_sample_link;
use crate::db::models::contact::Contact;
use crate::db::models::lead::{Lead, NewLead};
use crate::db::models::lead_event;
use crate::db::models::lead_price;
use crate::db::models::outbox::insert_mails;
use crate::db::{DbConnection, write_transaction};
use crate::domain::attribution::Attribution;
use crate::domain::lead_event::LeadEvent;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_request::LeadRequest;
use crate::domain::lead_status::LeadStatus;
use crate::domain::mail_kind::MailKind;
use crate::domain::pricing::PriceRequest;
use crate::domain::scoring::Score;
use crate::domain::scoring::is_free_mail_domain;
use crate::mail::compose::{
    LeadFacts, LeadMailContext, MailSetup, ReportLink, SampleNotice, lead_mails,
};

/// Buyer confirmations one address gets in a day, at most.
pub const CONFIRMATIONS_PER_DAY: i64 = 3;
const DAY: i64 = 86_400;

/// Everything stored with a lead beyond what the buyer typed.
pub struct Submission<'a> {
    pub request: &'a LeadRequest,
    pub report: ReportLink<'a>,
    /// Why the submission looks automated, if it does: it is then held as
    /// spam, announced to nobody, and a person may release it.
    pub spam_reason: Option<String>,
    /// False when the client's address has caused its share of
    /// confirmations (`AppState::confirmation_limiter`).
    pub client_may_be_confirmed: bool,
    pub score: &'a Score,
    pub attribution: &'a Attribution,
    /// The form token's hash: the same form sent twice makes one lead.
    pub form_token_hash: &'a str,
    pub consent_text_version: &'a str,
    /// A discount request's currency, list price and target price.
    pub price: Option<PriceRequest>,
    pub now: i64,
}

impl Submission<'_> {
    pub fn status(&self) -> LeadStatus {
        match self.spam_reason {
            Some(_) => LeadStatus::Spam,
            None => LeadStatus::New,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    Stored {
        lead_id: i64,
        /// Whether the buyer is sent a confirmation (not past a limit, not
        /// held as spam).
        confirmed: bool,
    },
    /// The same form was submitted before: nothing new was written.
    AlreadyStored { lead_id: i64 },
}

/// Stores the lead durably: the transaction has committed when this returns.
pub fn submit_lead(
    conn: &mut DbConnection,
    submission: &Submission<'_>,
    setup: &MailSetup,
) -> anyhow::Result<SubmitOutcome> {
    match write_transaction(conn, |conn| store(conn, submission, setup)) {
        // Two submissions raced past the existence checks (possible on
        // PostgreSQL): the same form (then this one is a replay) or the same
        // new contact (then a second try finds the contact).
        Err(error) if is_unique_violation(&error) => {
            match Lead::id_by_token(conn, submission.form_token_hash)? {
                Some(lead_id) => Ok(SubmitOutcome::AlreadyStored { lead_id }),
                None => write_transaction(conn, |conn| store(conn, submission, setup)),
            }
        }
        other => other,
    }
}

fn store(
    conn: &mut DbConnection,
    s: &Submission<'_>,
    setup: &MailSetup,
) -> anyhow::Result<SubmitOutcome> {
    if let Some(lead_id) = Lead::id_by_token(conn, s.form_token_hash)? {
        return Ok(SubmitOutcome::AlreadyStored { lead_id });
    }
    let status = s.status();
    let real = status != LeadStatus::Spam;
    let contact_id = Contact::upsert(conn, s.request, real, s.now)?;
    let lead_id = NewLead {
        request: s.request,
        contact_id,
        report_id: s.report.id,
        status,
        spam_reason: s.spam_reason.as_deref(),
        score: s.score.value,
        attribution: s.attribution,
        form_token_hash: s.form_token_hash,
        consent_text_version: s.consent_text_version,
        now: s.now,
    }
    .insert(conn)?;
    if let Some(price) = &s.price {
        lead_price::insert(conn, lead_id, price)?;
    }
    let created = LeadEvent::Created {
        score: s.score.value,
        reasons: s.score.reasons.clone(),
        spam_reason: s.spam_reason.clone(),
    };
    lead_event::record(conn, lead_id, None, &created, s.now)?;
    // Spam gets no owner and no mail; a person may release it later.
    let mut confirmed = false;
    if real {
        let owner = assign_new_lead(conn, lead_id, s.request.country.code(), s.now)?;
        let facts = LeadFacts::from_request(s.request);
        // Anyone can type anyone's address: a flood of forms must not become
        // a flood of our mail to that address. Sales still hear of each lead.
        let recent = Lead::real_of_contact_since(conn, contact_id, s.now - DAY)?;
        let confirm = recent <= CONFIRMATIONS_PER_DAY && s.client_may_be_confirmed;
        let mut ctx = LeadMailContext::new(
            lead_id,
            &facts,
            s.report,
            s.score,
            s.attribution,
            s.now,
            setup,
        );
        if s.request.kind == LeadKind::SampleRequest {
            ctx.sample = sample_notice(conn, s, lead_id, confirm, setup)?;
        }
        let mut mails = lead_mails(&ctx, setup, owner.as_ref())?;
        if !confirm {
            mails.retain(|mail| mail.kind != MailKind::BuyerConfirmation);
        }
        confirmed = mails
            .iter()
            .any(|mail| mail.kind == MailKind::BuyerConfirmation);
        insert_mails(conn, &mails, s.now)?;
    }
    Ok(SubmitOutcome::Stored { lead_id, confirmed })
}

/// A released request's confirmation carries its sample link (made only when
/// the confirmation goes out); the others wait for a person.
fn sample_notice(
    conn: &mut DbConnection,
    s: &Submission<'_>,
    lead_id: i64,
    confirm: bool,
    setup: &MailSetup,
) -> anyhow::Result<SampleNotice> {
    let rules = &setup.sample_rules;
    let free_mail = is_free_mail_domain(&s.request.email.domain());
    if !confirm
        || !rules
            .release
            .releases(s.score.value, rules.min_score, free_mail)
    {
        return Ok(SampleNotice::AwaitingReview);
    }
    // A savepoint: a sample that cannot be made (an unreadable report, a
    // failed write) never costs the lead; a person sends it later.
    let made = write_transaction(conn, |conn| {
        new_sample_link(conn, lead_id, s.report.slug, None, setup, s.now)
    });
    Ok(match made {
        Ok(link) => SampleNotice::Link(link),
        Err(error) => {
            tracing::warn!(lead_id, error = %error, "no sample link: the request waits for review");
            SampleNotice::AwaitingReview
        }
    })
}

fn is_unique_violation(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<DieselError>(),
        Some(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}
