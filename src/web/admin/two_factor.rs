//! `/admin/account/two-factor`: one's own second factor — turn it on (scan
//! the QR code or type the secret, confirm with a code, keep the recovery
//! codes shown once), get new recovery codes, turn it off where it is not
//! required — and `/admin/users/{id}/two-factor/reset` for an admin.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::recovery_code;
use crate::db::{DbConnection, now_unix, run_blocking};
use crate::security::session;
use crate::security::totp::{new_secret, otpauth_url, qr_svg, secret_text};
use crate::security::two_factor_keys::TwoFactorKeys;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::{Admin, CsrfForm, Staff};
use crate::web::page::{self, PageMeta, see_other};
use crate::workflow::two_factor::{self, TwoFactorError};

#[derive(Template)]
#[template(path = "admin/two_factor.html")]
pub struct TwoFactorPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub problem: Option<String>,
    pub notice: Option<&'static str>,
    /// When it was turned on; `None` while off.
    pub on_since: Option<String>,
    pub codes_left: i64,
    /// Required by the settings: it cannot be turned off, and until it is
    /// on the desk shows nothing else.
    pub required: bool,
    /// While off: the QR code (inline SVG) and the same secret as text.
    pub qr_svg: String,
    pub secret_text: String,
    /// Recovery codes to show this once.
    pub new_codes: Vec<String>,
}

/// What a render shows besides the state read from the database.
#[derive(Default)]
struct Shown {
    problem: Option<String>,
    notice: Option<&'static str>,
    new_codes: Vec<String>,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    session: &Session,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    let user = &staff.user;
    let mut view = TwoFactorPage {
        meta: PageMeta::plain("Two-factor login"),
        staff: staff.view(),
        problem: shown.problem,
        notice: shown.notice,
        on_since: None,
        codes_left: 0,
        required: state.settings.require_two_factor,
        qr_svg: String::new(),
        secret_text: String::new(),
        new_codes: shown.new_codes,
    };
    if let Some(since) = user.totp_enabled_at {
        let id = user.id;
        view.codes_left = run_blocking(&state.pool, move |conn| {
            Ok(recovery_code::remaining(conn, id)?)
        })
        .await?;
        view.on_since = Some(state.settings.working_hours().format(since));
    } else {
        let secret = enrolment_secret(session)?;
        view.qr_svg = qr_svg(&otpauth_url(&secret, &user.email))?;
        view.secret_text = secret_text(&secret);
    }
    let has_problem = view.problem.is_some();
    page::form(&view, has_problem)
}

/// The secret being enrolled: the one already shown in this session (a
/// reload shows the same QR code), else a new one.
fn enrolment_secret(session: &Session) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = session::new_totp_secret(session).and_then(|s| hex::decode(s).ok()) {
        return Ok(secret);
    }
    let secret = new_secret();
    session::keep_new_totp_secret(session, &hex::encode(&secret))?;
    Ok(secret)
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    session: Session,
) -> Result<HttpResponse, PageError> {
    render(&state, &staff, &session, Shown::default()).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The page after a change, or its problem; unexpected errors are 500s.
async fn after(
    state: &AppState,
    staff: &Staff,
    session: &Session,
    outcome: Result<Shown, TwoFactorError>,
) -> Result<HttpResponse, PageError> {
    let shown = match outcome {
        Ok(shown) => shown,
        Err(
            error @ (TwoFactorError::WrongCode
            | TwoFactorError::Required
            | TwoFactorError::AlreadyOn),
        ) => Shown {
            problem: Some(error.to_string()),
            ..Shown::default()
        },
        Err(TwoFactorError::NotFound) => return Err(PageError::NotFound),
        Err(other) => return Err(PageError::Internal(anyhow::anyhow!(other))),
    };
    // Read again: the change is in the database, not yet in `staff`.
    let id = staff.user.id;
    let user = run_blocking(&state.pool, move |conn| {
        Ok(crate::db::models::user::User::find(conn, id)?)
    })
    .await?
    .ok_or(PageError::NotFound)?;
    let staff = Staff {
        user,
        csrf: staff.csrf.clone(),
        session_id: staff.session_id,
    };
    render(state, &staff, session, shown).await
}

/// Confirms the secret shown with a current code: two-factor login is on.
pub async fn turn_on(
    state: web::Data<AppState>,
    staff: Staff,
    session: Session,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let Some(secret) = session::new_totp_secret(&session).and_then(|s| hex::decode(s).ok()) else {
        // The page was not shown in this session: show it (with a secret).
        return Ok(see_other("/admin/account/two-factor"));
    };
    let (keeper, user) = (state.clone(), staff.user.clone());
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(two_factor::turn_on(
            conn,
            &keeper.two_factor,
            &user,
            &secret,
            &form.code,
            now_unix(),
        ))
    })
    .await?;
    if outcome.is_ok() {
        session::forget_new_totp_secret(&session);
    }
    let outcome = outcome.map(|codes| Shown {
        notice: Some("Two-factor login is on. From now on you log in with your password and a code from your app."),
        new_codes: codes,
        ..Shown::default()
    });
    after(&state, &staff, &session, outcome).await
}

/// Runs a change to one's own second factor, then shows the page.
async fn change<F>(
    state: &web::Data<AppState>,
    staff: &Staff,
    session: &Session,
    work: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConnection, &TwoFactorKeys, i64) -> Result<Shown, TwoFactorError>
        + Send
        + 'static,
{
    let (keeper, id) = (state.clone(), staff.user.id);
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(work(conn, &keeper.two_factor, id))
    })
    .await?;
    after(state, staff, session, outcome).await
}

/// New recovery codes, confirmed with a current code.
pub async fn renew_codes(
    state: web::Data<AppState>,
    staff: Staff,
    session: Session,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    change(&state, &staff, &session, move |conn, keys, id| {
        let codes = two_factor::renew_recovery_codes(conn, keys, id, &form.code, now_unix())?;
        Ok(Shown {
            notice: Some("New recovery codes: the old ones no longer work."),
            new_codes: codes,
            ..Shown::default()
        })
    })
    .await
}

/// Turns one's own second factor off, confirmed with a current code.
pub async fn turn_off(
    state: web::Data<AppState>,
    staff: Staff,
    session: Session,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let required = state.settings.require_two_factor;
    change(&state, &staff, &session, move |conn, keys, id| {
        two_factor::turn_off(conn, keys, id, &form.code, required, now_unix())?;
        Ok(Shown {
            notice: Some("Two-factor login is off. You log in with your password alone."),
            ..Shown::default()
        })
    })
    .await
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Confirm {}

/// An admin turns someone else's second factor off (a lost phone); the
/// user is signed out everywhere and mailed.
pub async fn reset(
    state: web::Data<AppState>,
    Admin(staff): Admin,
    id: web::Path<i64>,
    _confirmed: CsrfForm<Confirm>,
) -> Result<HttpResponse, PageError> {
    let (id, actor) = (id.into_inner(), staff.user.id);
    if id == actor {
        // One's own goes through one's own page, which asks for a code.
        return Ok(see_other("/admin/account/two-factor"));
    }
    let setup = state.mail_setup.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(two_factor::reset(conn, Some(actor), id, &setup, now_unix()))
    })
    .await?;
    match outcome {
        Ok(()) => {
            state.work_queued();
            Ok(see_other("/admin/users"))
        }
        Err(TwoFactorError::NotFound) => Err(PageError::NotFound),
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}
