//! Who is asking: the `Staff` extractor checks the session on every admin request.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::db::users::User;
use crate::db::{now_unix, run_blocking};
use crate::errors::PageError;
use crate::security::csrf::tokens_match;
use crate::security::session::{self, SessionLimits, SessionState};
use crate::startup::AppState;
use crate::views::admin::StaffView;

/// A logged-in, active staff member. A disabled user's session fails here on
/// the next request; an expired one is cleared.
pub struct Staff {
    pub user: User,
    pub csrf: String,
}

impl Staff {
    pub fn view(&self) -> StaffView {
        StaffView::new(&self.user, &self.csrf)
    }

    pub fn require_admin(&self) -> Result<(), PageError> {
        if self.user.is_admin() {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// The form's `csrf_token` must be this session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), PageError> {
        if tokens_match(&self.csrf, given) {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }
}

impl FromRequest for Staff {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state =
                state.ok_or_else(|| PageError::Internal(anyhow::anyhow!("no app state")))?;
            let limits = SessionLimits {
                idle_seconds: state.settings.session_idle_seconds,
                max_seconds: state.settings.session_max_seconds,
            };
            let SessionState::Active { user_id, csrf } =
                session::read(&session, now_unix(), limits)
            else {
                return Err(PageError::LoginRequired);
            };
            let user =
                run_blocking(&state.pool, move |conn| Ok(User::find(conn, user_id)?)).await?;
            match user {
                Some(user) if user.active => Ok(Staff { user, csrf }),
                _ => {
                    session::end(&session);
                    Err(PageError::LoginRequired)
                }
            }
        })
    }
}
