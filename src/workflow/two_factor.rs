//! Two-factor login's use cases: checking a code (at login, or to confirm a
//! change), turning it on with ten recovery codes, new codes, turning it off,
//! and an admin's reset of someone else's. Each change is one transaction
//! with its audit entry (and, for a reset, the mail to the user).

use diesel::result::Error as DbError;

use crate::db::DbConnection;
use crate::db::models::audit_entry::{AuditEntry, audited, staff_target};
use crate::db::models::outbox::insert_mails;
use crate::db::models::recovery_code;
use crate::db::models::staff_session::StaffSession;
use crate::db::models::user::{
    User, claim_code_step, disable_two_factor, enable_two_factor, totp_secret,
};
use crate::domain::audit_action::AuditAction;
use crate::mail::compose::MailSetup;
use crate::mail::staff_mail::two_factor_reset_mail;
use crate::security::totp::{looks_like_app_code, matching_step};
use crate::security::two_factor_keys::{TwoFactorKeys, new_recovery_codes};

/// What a typed code turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// The app's code for a step not used before.
    AppCode,
    /// An unused recovery code, now used up; `left` remain.
    RecoveryCode { left: i64 },
    /// Wrong, already used, or from a step too far from now.
    Wrong,
}

/// Whether recovery codes count (at login) or only the app's (to confirm a
/// change: a recovery code is for a lost phone, not for changing settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    AppOrRecovery,
    AppOnly,
}

/// Checks a user's code, using it up if right. A secret that does not open
/// (the secret key was changed, or the row altered) fails every app code and
/// is logged: an admin's reset is the way back.
pub fn check_code(
    conn: &mut DbConnection,
    keys: &TwoFactorKeys,
    user_id: i64,
    code: &str,
    accept: Accept,
    now: i64,
) -> Result<CodeCheck, DbError> {
    let Some(sealed) = totp_secret(conn, user_id)? else {
        return Ok(CodeCheck::Wrong);
    };
    if looks_like_app_code(code) {
        let Some(secret) = keys.open(user_id, &sealed) else {
            tracing::error!(
                user_id,
                "a two-factor secret does not open: was REPORTDESK_SECRET_KEY changed?"
            );
            return Ok(CodeCheck::Wrong);
        };
        return Ok(match matching_step(&secret, code, now) {
            Some(step) if claim_code_step(conn, user_id, step)? => CodeCheck::AppCode,
            _ => CodeCheck::Wrong,
        });
    }
    if accept == Accept::AppOnly {
        return Ok(CodeCheck::Wrong);
    }
    let hash = keys.recovery_hash(code);
    if !recovery_code::use_code(conn, user_id, &hash, now)? {
        return Ok(CodeCheck::Wrong);
    }
    Ok(CodeCheck::RecoveryCode {
        left: recovery_code::remaining(conn, user_id)?,
    })
}

/// Why turning two-factor login on or changing it did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("That code is not right. Type the six digits your app shows now.")]
    WrongCode,
    #[error("Two-factor login is required here, so it cannot be turned off.")]
    Required,
    #[error("Two-factor login is already on.")]
    AlreadyOn,
    #[error("no such user")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Turns two-factor login on once the user typed a current code of the new
/// secret; returns the recovery codes to show (once: only hashes are kept).
pub fn turn_on(
    conn: &mut DbConnection,
    keys: &TwoFactorKeys,
    user: &User,
    secret: &[u8],
    code: &str,
    now: i64,
) -> Result<Vec<String>, TwoFactorError> {
    if user.has_two_factor() {
        return Err(TwoFactorError::AlreadyOn);
    }
    let step = matching_step(secret, code, now).ok_or(TwoFactorError::WrongCode)?;
    let sealed = keys.seal(user.id, secret)?;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| keys.recovery_hash(c)).collect();
    let entry = AuditEntry {
        actor: Some(user.id),
        action: AuditAction::TwoFactorEnabled,
        target: "own account",
        detail: "",
    };
    audited(conn, &entry, now, |conn| {
        enable_two_factor(conn, user.id, &sealed, step, &hashes, now)
    })?;
    Ok(codes)
}

/// New recovery codes (the old ones stop working), confirmed with the app.
pub fn renew_recovery_codes(
    conn: &mut DbConnection,
    keys: &TwoFactorKeys,
    user_id: i64,
    code: &str,
    now: i64,
) -> Result<Vec<String>, TwoFactorError> {
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| keys.recovery_hash(c)).collect();
    let entry = AuditEntry {
        actor: Some(user_id),
        action: AuditAction::RecoveryCodesRenewed,
        target: "own account",
        detail: "",
    };
    audited(conn, &entry, now, |conn| {
        if check_code(conn, keys, user_id, code, Accept::AppOnly, now)? != CodeCheck::AppCode {
            return Err(TwoFactorError::WrongCode);
        }
        recovery_code::replace(conn, user_id, &hashes, now)?;
        Ok(())
    })?;
    Ok(codes)
}

/// Turns one's own two-factor login off, confirmed with the app; refused
/// where it is required.
pub fn turn_off(
    conn: &mut DbConnection,
    keys: &TwoFactorKeys,
    user_id: i64,
    code: &str,
    required: bool,
    now: i64,
) -> Result<(), TwoFactorError> {
    if required {
        return Err(TwoFactorError::Required);
    }
    let entry = AuditEntry {
        actor: Some(user_id),
        action: AuditAction::TwoFactorDisabled,
        target: "own account",
        detail: "",
    };
    audited(conn, &entry, now, |conn| {
        if check_code(conn, keys, user_id, code, Accept::AppOnly, now)? != CodeCheck::AppCode {
            return Err(TwoFactorError::WrongCode);
        }
        disable_two_factor(conn, user_id)?;
        Ok(())
    })
}

/// An admin (`None`: the command line) turns someone's two-factor login off
/// — a lost phone and no recovery codes. Their sessions end, so the next
/// login is with the password alone (and enrols again where required), and
/// they are mailed, so a reset they did not ask for does not go unnoticed.
pub fn reset(
    conn: &mut DbConnection,
    actor: Option<i64>,
    user_id: i64,
    setup: &MailSetup,
    now: i64,
) -> Result<(), TwoFactorError> {
    let user = User::find(conn, user_id)?.ok_or(TwoFactorError::NotFound)?;
    let target = staff_target(&user.name, &user.email);
    let detail = if actor.is_none() {
        "from the command line"
    } else {
        ""
    };
    let entry = AuditEntry {
        actor,
        action: AuditAction::TwoFactorReset,
        target: &target,
        detail,
    };
    let mail = two_factor_reset_mail(&user.name, &user.email, setup)?;
    audited(conn, &entry, now, |conn| {
        disable_two_factor(conn, user_id)?;
        StaffSession::end_all_of(conn, user_id, None, now)?;
        insert_mails(conn, &[mail], now)?;
        Ok::<_, TwoFactorError>(())
    })
}
