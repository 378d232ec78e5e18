//! What both login steps (the password, then the code of those who have
//! two-factor login on) share: who is trying from where, the throttle's
//! keys, the record of a refused or failed attempt, and the session a
//! success begins.

use std::net::IpAddr;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use crate::db::models::audit_entry::{AuditEntry, audited, staff_target};
use crate::db::models::login_throttle::{clear, record_failure};
use crate::db::models::outbox::insert_mails;
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::{record_failed_login, record_login};
use crate::db::run_blocking;
use crate::domain::audit_action::AuditAction;
use crate::mail::staff_mail::account_alert_mail;
use crate::security::login_throttle::{
    PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS, Rule, SECOND_STEP_PER_ACCOUNT, address_key, pair_key,
    second_step_key, wait_text,
};
use crate::security::return_path::safe_return_path;
use crate::security::session;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::page::see_other;

/// One attempt to log in, as the throttle and the audit trail see it.
pub struct Attempt {
    /// The account's throttle keys and the rule each counts failures by;
    /// a success clears them.
    pub account_keys: Vec<(String, Rule)>,
    /// The address's key (rule `PER_ADDRESS`); a success leaves it, as the
    /// address may be shared with a guesser.
    pub address_key: String,
    /// "from 198.51.100.7" (and what was tried), for the audit trail.
    pub detail: String,
    /// Whose account, for the audit trail.
    pub target: String,
    /// The account, if the typed email has one: (id, name, email).
    pub account: Option<(i64, String, String)>,
}

pub fn from_address(address: Option<IpAddr>) -> String {
    address.map_or_else(
        || "from an unknown address".into(),
        |ip| format!("from {ip}"),
    )
}

impl Attempt {
    /// A password typed for `email` from `address`: counted per (account,
    /// address) pair and per address.
    pub fn password(email: &str, address: Option<IpAddr>) -> Self {
        Self {
            account_keys: vec![(pair_key(email, address), PER_ACCOUNT_AND_ADDRESS)],
            address_key: address_key(address),
            detail: from_address(address),
            target: "an unknown address".into(),
            account: None,
        }
    }

    /// A code typed after a right password: counted as a password is, and
    /// per account from any address (its password is known, so addresses
    /// alone do not hold a guesser back).
    pub fn code(user_id: i64, name: &str, email: &str, address: Option<IpAddr>) -> Self {
        let mut attempt = Self::password(email, address).of(user_id, name, email);
        attempt
            .account_keys
            .push((second_step_key(user_id), SECOND_STEP_PER_ACCOUNT));
        attempt
    }

    /// The attempt is on this account.
    pub fn of(mut self, user_id: i64, name: &str, email: &str) -> Self {
        self.target = staff_target(name, email);
        self.account = Some((user_id, name.to_owned(), email.to_owned()));
        self
    }

    /// Every key, for the "is it blocked" check.
    pub fn key_names(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.account_keys.iter().map(|(k, _)| k.clone()).collect();
        keys.push(self.address_key.clone());
        keys
    }
}

/// Records an attempt refused unchecked because its keys are blocked.
pub async fn record_throttled(
    state: &AppState,
    attempt: &Attempt,
    now: i64,
) -> Result<(), PageError> {
    let (target, detail) = (attempt.target.clone(), attempt.detail.clone());
    run_blocking(&state.pool, move |conn| {
        let entry = AuditEntry {
            actor: None,
            action: AuditAction::LoginThrottled,
            target: &target,
            detail: &detail,
        };
        Ok(entry.record(conn, now)?)
    })
    .await?;
    Ok(())
}

/// The page of a throttled attempt: 429 with how long to wait.
pub fn throttled(mut page: HttpResponse, seconds: i64) -> HttpResponse {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    page.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    page
}

pub fn throttled_text(seconds: i64) -> String {
    format!(
        "Too many failed sign-ins from this address. Try again in {}.",
        wait_text(seconds)
    )
}

/// Counts a failed attempt on every key and on the account, mailing its
/// owner once when it is being guessed at.
pub async fn record_failed(state: &AppState, attempt: Attempt, now: i64) -> Result<(), PageError> {
    let setup = state.mail_setup.clone();
    let mailed = run_blocking(&state.pool, move |conn| {
        let entry = AuditEntry {
            actor: None,
            action: AuditAction::LoginFailed,
            target: &attempt.target,
            detail: &attempt.detail,
        };
        audited(conn, &entry, now, |conn| {
            for (key, rule) in &attempt.account_keys {
                record_failure(conn, key, rule, now)?;
            }
            record_failure(conn, &attempt.address_key, &PER_ADDRESS, now)?;
            let Some((id, name, email)) = &attempt.account else {
                return Ok(false);
            };
            let failed = record_failed_login(conn, *id, now)?;
            if !failed.alert_owner {
                return Ok(false);
            }
            let mail = account_alert_mail(name, email, failed.failures, &setup)?;
            insert_mails(conn, &[mail], now)?;
            Ok(true)
        })
    })
    .await?;
    if mailed {
        state.work_queued();
    }
    Ok(())
}

/// Logs the user in: the server-side session, the cookie, the audit entry,
/// and the account's keys cleared (never the address's: it may be shared
/// with a guesser). Answers with the way back to the page first asked for.
pub async fn complete(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    user_id: i64,
    attempt: Attempt,
    next: Option<&str>,
    now: i64,
) -> Result<HttpResponse, PageError> {
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cleared: Vec<String> = attempt
        .account_keys
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    let token = run_blocking(&state.pool, move |conn| {
        let entry = AuditEntry {
            actor: Some(user_id),
            action: AuditAction::LoginSucceeded,
            target: "own account",
            detail: &attempt.detail,
        };
        Ok(audited(conn, &entry, now, |conn| {
            record_login(conn, user_id, now)?;
            for key in &cleared {
                clear(conn, key)?;
            }
            StaffSession::start(conn, user_id, &agent, now)
        })?)
    })
    .await?;
    session::begin(session, user_id, &token, now)?;
    tracing::info!(user_id, "staff login");
    let next = next.and_then(safe_return_path);
    Ok(see_other(next.as_deref().unwrap_or("/admin")))
}
