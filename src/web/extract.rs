//! What handlers take besides the path: who is asking (`Staff`, `Admin`), a
//! form whose CSRF token was checked (`CsrfForm<T>`), and the client's address
//! for rate limits (`limit`).

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::User;
use crate::db::{now_unix, run_blocking};
use crate::security::client_ip::client_ip;
use crate::security::csrf::tokens_match;
use crate::security::rate_limit::RateLimiter;
use crate::security::return_path::safe_return_path;
use crate::security::session::{self, SessionLimits, SessionState};
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;

pub type Extracted<T, E> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

/// A logged-in, active staff member. A disabled user's session fails here on
/// the next request; an expired one is cleared.
pub struct Staff {
    pub user: User,
    pub csrf: String,
    /// The server-side session this request belongs to.
    pub session_id: i64,
}

impl Staff {
    pub fn view(&self) -> StaffView {
        StaffView::new(&self.user, &self.csrf)
    }
}

impl FromRequest for Staff {
    type Error = PageError;
    type Future = Extracted<Self, PageError>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        // After login, back to the page asked for (a form sent without a
        // session is answered before this: see `session_guard`).
        let reading = matches!(*req.method(), Method::GET | Method::HEAD);
        let path = req.path().to_owned();
        let here = req
            .uri()
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_owned());
        Box::pin(async move {
            let state =
                state.ok_or_else(|| PageError::Internal(anyhow::anyhow!("no app state")))?;
            let limits = SessionLimits {
                idle_seconds: state.settings.session_idle_seconds,
                max_seconds: state.settings.session_max_seconds,
            };
            let now = now_unix();
            let SessionState::Active {
                user_id,
                csrf,
                token,
            } = session::read(&session, now, limits)
            else {
                return Err(PageError::LoginRequired {
                    next: reading.then(|| safe_return_path(&here)).flatten(),
                });
            };
            // The cookie alone is not enough: its server-side session must
            // still be live (not logged out, not ended by a password change
            // or by disabling the user), on whichever instance that happened.
            let found = run_blocking(&state.pool, move |conn| {
                let Some(live) = StaffSession::live(conn, &token)? else {
                    return Ok(None);
                };
                live.seen(conn, now)?;
                let user = User::find(conn, user_id)?.filter(|u| u.active && u.id == live.user_id);
                Ok(user.map(|user| (user, live.id)))
            })
            .await?;
            match found {
                Some((user, _))
                    if state.settings.require_two_factor
                        && !user.has_two_factor()
                        && !may_enrol_first(&path) =>
                {
                    Err(PageError::TwoFactorRequired)
                }
                Some((user, session_id)) => Ok(Staff {
                    user,
                    csrf,
                    session_id,
                }),
                None => {
                    session::end(&session);
                    Err(PageError::LoginRequired {
                        next: reading.then(|| safe_return_path(&here)).flatten(),
                    })
                }
            }
        })
    }
}

/// Where a staff member who must turn on two-factor login may go before it
/// is on: the page that turns it on, and out.
fn may_enrol_first(path: &str) -> bool {
    path == crate::web::error::ENROLMENT_PAGE || path == "/admin/logout"
}

/// A staff member with the admin role; others get 403.
pub struct Admin(pub Staff);

impl FromRequest for Admin {
    type Error = PageError;
    type Future = Extracted<Self, PageError>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        Box::pin(async move {
            let staff = staff.await?;
            if staff.user.is_admin() {
                Ok(Admin(staff))
            } else {
                Err(PageError::Forbidden)
            }
        })
    }
}

/// A posted form whose `csrf_token` matched the session's (403 otherwise).
/// Every admin POST takes one, the login form included.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct WithToken<T> {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = Extracted<Self, actix_web::Error>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<WithToken<T>>::from_request(req, payload);
        let session = req.get_session();
        Box::pin(async move {
            let web::Form(posted) = form.await?;
            let expected = session::csrf_token(&session).unwrap_or_default();
            if tokens_match(&expected, &posted.csrf_token) {
                Ok(CsrfForm(posted.form))
            } else {
                Err(PageError::Forbidden.into())
            }
        })
    }
}

/// Counts a request against `limiter` for its client: over the limit it is
/// refused with 429 and how long to wait. The client is the TCP peer, or the
/// forwarded address when the peer is a trusted proxy.
/// The client's address: the peer, or what the trusted proxies say it is.
pub fn client_address(state: &AppState, req: &HttpRequest) -> Option<std::net::IpAddr> {
    // Several header lines are one list, in order (RFC 9110 §5.3): a proxy
    // that adds its own line must not leave the client's line in charge.
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
    let peer = req.peer_addr().map(|a| a.ip());
    client_ip(peer, forwarded.as_deref(), &state.trusted_proxies)
}

pub fn limit(
    limiter: &RateLimiter,
    state: &AppState,
    req: &HttpRequest,
    now: i64,
) -> Result<(), PageError> {
    match client_address(state, req) {
        Some(ip) => {
            limiter
                .check(ip, now)
                .map_err(|retry_after_seconds| PageError::TooManyRequests {
                    retry_after_seconds,
                })
        }
        None => Ok(()),
    }
}

/// Whether the request carries `Authorization: Bearer <expected>`, compared
/// in constant time (machine-to-machine routes: inbound mail, metrics).
pub fn bearer_is(req: &HttpRequest, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}
