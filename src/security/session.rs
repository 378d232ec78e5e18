//! Staff sessions: an encrypted cookie (actix-session, private cookie store)
//! holding the user id, login time, last activity and the CSRF token.

use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use hmac::{Hmac, Mac};
use sha2::Sha512;

use super::csrf::new_token;

const USER_ID: &str = "uid";
const ISSUED_AT: &str = "iat";
const LAST_SEEN: &str = "seen";
const CSRF: &str = "csrf";
/// The server-side session's token (see `db::models::staff_session`).
const SESSION_TOKEN: &str = "sid";
/// Between the password and the code: whose password was right, when, and
/// where to go after.
const PENDING_USER: &str = "pending_uid";
const PENDING_AT: &str = "pending_at";
const PENDING_NEXT: &str = "pending_next";
/// A TOTP secret shown for enrolment and not yet confirmed (the cookie is
/// encrypted; the secret is stored only once a code confirms it).
const NEW_TOTP_SECRET: &str = "new_totp";

/// How long the code may take after the password.
pub const SECOND_STEP_SECONDS: i64 = 5 * 60;

/// `__Host-` makes browsers refuse the cookie unless it is Secure, for path `/`
/// and without a Domain: it cannot be planted by a sibling subdomain.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-rd_session"
    } else {
        "rd_session"
    }
}

pub fn middleware(secret_key: &[u8], https: bool) -> SessionMiddleware<CookieSessionStore> {
    // A key of its own, derived from the secret, so cookies and form tokens
    // never share key material.
    let mut mac = Hmac::<Sha512>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(b"reportdesk session cookie v1");
    let key = Key::from(&mac.finalize().into_bytes());
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(cookie_name(https).to_owned())
        .cookie_secure(https)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Strict)
        .cookie_path("/".to_owned())
        .cookie_content_security(CookieContentSecurity::Private)
        // A browser-session cookie: the limits below are enforced server-side.
        .session_lifecycle(BrowserSession::default())
        .build()
}

#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_seconds: i64,
    pub max_seconds: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SessionState {
    Anonymous,
    /// Idle or too old: cleared; the user must log in again.
    Expired,
    Active {
        user_id: i64,
        csrf: String,
        /// Names the server-side session, which must still be live.
        token: String,
    },
}

/// Starts a fresh session for a user who just logged in. The session id is
/// renewed so a token planted before login is worthless after it.
pub fn begin(session: &Session, user_id: i64, token: &str, now: i64) -> anyhow::Result<()> {
    session.renew();
    session.clear();
    session.insert(USER_ID, user_id)?;
    session.insert(SESSION_TOKEN, token)?;
    session.insert(ISSUED_AT, now)?;
    session.insert(LAST_SEEN, now)?;
    session.insert(CSRF, new_token())?;
    Ok(())
}

/// The password was right and a code is wanted: no session yet, only the
/// right to try a code for this user for a few minutes. The id is renewed
/// here too, so nothing planted before carries over.
pub fn begin_second_step(
    session: &Session,
    user_id: i64,
    next: Option<&str>,
    now: i64,
) -> anyhow::Result<()> {
    session.renew();
    session.clear();
    session.insert(PENDING_USER, user_id)?;
    session.insert(PENDING_AT, now)?;
    session.insert(PENDING_NEXT, next.unwrap_or_default())?;
    session.insert(CSRF, new_token())?;
    Ok(())
}

/// A login waiting for its code.
#[derive(Debug, PartialEq, Eq)]
pub struct SecondStep {
    pub user_id: i64,
    /// The checked desk path to return to, if any.
    pub next: Option<String>,
}

/// The login waiting for a code, unless there is none or it took too long.
pub fn second_step(session: &Session, now: i64) -> Option<SecondStep> {
    let user_id = session.get::<i64>(PENDING_USER).ok().flatten()?;
    let since = session.get::<i64>(PENDING_AT).ok().flatten()?;
    if now - since > SECOND_STEP_SECONDS {
        return None;
    }
    let next = session
        .get::<String>(PENDING_NEXT)
        .ok()
        .flatten()
        .filter(|n| !n.is_empty());
    Some(SecondStep { user_id, next })
}

/// The unconfirmed TOTP secret (base32) shown on the enrolment page.
pub fn new_totp_secret(session: &Session) -> Option<String> {
    session.get::<String>(NEW_TOTP_SECRET).ok().flatten()
}

pub fn keep_new_totp_secret(session: &Session, secret: &str) -> anyhow::Result<()> {
    session.insert(NEW_TOTP_SECRET, secret)?;
    Ok(())
}

pub fn forget_new_totp_secret(session: &Session) {
    session.remove(NEW_TOTP_SECRET);
}

/// Reads the session and records this request as activity.
pub fn read(session: &Session, now: i64, limits: SessionLimits) -> SessionState {
    let get = |key| session.get::<i64>(key).ok().flatten();
    let (Some(user_id), Some(issued_at), Some(last_seen)) =
        (get(USER_ID), get(ISSUED_AT), get(LAST_SEEN))
    else {
        return SessionState::Anonymous;
    };
    let text = |key| {
        session
            .get::<String>(key)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let (csrf, token) = (text(CSRF), text(SESSION_TOKEN));
    if now - last_seen > limits.idle_seconds
        || now - issued_at > limits.max_seconds
        || csrf.is_empty()
        || token.is_empty()
    {
        session.purge();
        return SessionState::Expired;
    }
    if session.insert(LAST_SEEN, now).is_err() {
        return SessionState::Anonymous;
    }
    SessionState::Active {
        user_id,
        csrf,
        token,
    }
}

/// The CSRF token of an anonymous session (for the login form), created on first use.
pub fn anonymous_csrf(session: &Session) -> anyhow::Result<String> {
    if let Some(token) = session.get::<String>(CSRF)? {
        return Ok(token);
    }
    let token = new_token();
    session.insert(CSRF, &token)?;
    Ok(token)
}

/// The session's CSRF token, anonymous or not.
pub fn csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF).ok().flatten()
}

pub fn end(session: &Session) {
    session.purge();
}
