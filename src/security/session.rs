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
