//! Staff accounts.

use diesel::prelude::*;

use super::recovery_code;
use super::staff_session::StaffSession;
use crate::db::schema::users;
use crate::db::{DbConnection, now_unix, write_transaction};
use crate::domain::role::Role;
use crate::security::login_throttle::SLOW_AFTER_FAILURES;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i32,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
    /// May export leads as CSV (admins always may).
    pub can_export: bool,
    /// When the owner was mailed about failed logins (cleared at login).
    pub alerted_at: Option<i64>,
    /// When two-factor login was turned on; `None` = password only.
    pub totp_enabled_at: Option<i64>,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn has_two_factor(&self) -> bool {
        self.totp_enabled_at.is_some()
    }

    pub fn may_export(&self) -> bool {
        self.is_admin() || self.can_export
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        users::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// Emails are matched case-insensitively; they are stored lower-cased.
    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<Self>> {
        users::table
            .filter(users::email.eq(email.trim().to_lowercase()))
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        users::table
            .order((users::active.desc(), users::name))
            .select(Self::as_select())
            .load(conn)
    }

    /// Names of users by id, for owner and actor columns.
    pub fn names(conn: &mut DbConnection) -> QueryResult<std::collections::HashMap<i64, String>> {
        Ok(users::table
            .select((users::id, users::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect())
    }

    /// Active users, for owner pickers.
    pub fn active(conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        users::table
            .filter(users::active.eq(true))
            .order(users::name)
            .select(Self::as_select())
            .load(conn)
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum UserChangeError {
    #[error("a user with that email already exists")]
    EmailTaken,
    #[error("no such user")]
    NotFound,
    #[error("you cannot disable or demote yourself")]
    ItsYou,
    #[error("this is the last active admin; make another admin first")]
    LastAdmin,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl NewUser<'_> {
    pub fn insert(&self, conn: &mut DbConnection, now: i64) -> Result<i64, UserChangeError> {
        let email = self.email.trim().to_lowercase();
        write_transaction(conn, |conn| {
            if User::find_by_email(conn, &email)?.is_some() {
                return Err(UserChangeError::EmailTaken);
            }
            diesel::insert_into(users::table)
                .values((
                    users::email.eq(&email),
                    users::name.eq(self.name.trim()),
                    users::role.eq(self.role),
                    users::password_hash.eq(self.password_hash),
                    users::active.eq(true),
                    users::failed_logins.eq(0),
                    users::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(User::find_by_email(conn, &email)?
                .ok_or(UserChangeError::NotFound)?
                .id)
        })
    }
}

/// Sets a new password and ends every session of the user but `keep` (the
/// one that changed it, when done from the desk).
pub fn set_password(
    conn: &mut DbConnection,
    id: i64,
    password_hash: &str,
    keep: Option<i64>,
    now: i64,
) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::failed_logins.eq(0),
            ))
            .execute(conn)?;
        StaffSession::end_all_of(conn, id, keep, now)?;
        Ok(changed)
    })
}

fn other_active_admins(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .filter(users::id.ne(id))
        .count()
        .get_result(conn)
}

/// Disables a user. `actor` is who asks (None from the command line): nobody
/// disables themselves, and the last active admin stays.
pub fn disable(
    conn: &mut DbConnection,
    id: i64,
    actor: Option<i64>,
) -> Result<(), UserChangeError> {
    write_transaction(conn, |conn| {
        let user = User::find(conn, id)?.ok_or(UserChangeError::NotFound)?;
        if actor == Some(id) {
            return Err(UserChangeError::ItsYou);
        }
        if user.is_admin() && user.active && other_active_admins(conn, id)? == 0 {
            return Err(UserChangeError::LastAdmin);
        }
        diesel::update(users::table.find(id))
            .set(users::active.eq(false))
            .execute(conn)?;
        StaffSession::end_all_of(conn, id, None, now_unix())?;
        Ok(())
    })
}

/// Allows a user to export leads as CSV, or withdraws it.
pub fn set_can_export(
    conn: &mut DbConnection,
    id: i64,
    allow: bool,
) -> Result<(), UserChangeError> {
    let changed = diesel::update(users::table.find(id))
        .set(users::can_export.eq(allow))
        .execute(conn)?;
    if changed == 0 {
        return Err(UserChangeError::NotFound);
    }
    Ok(())
}

/// Changes a user's role, keeping at least one active admin.
pub fn set_role(
    conn: &mut DbConnection,
    id: i64,
    role: Role,
    actor: i64,
) -> Result<(), UserChangeError> {
    write_transaction(conn, |conn| {
        let user = User::find(conn, id)?.ok_or(UserChangeError::NotFound)?;
        if role != Role::Admin {
            if actor == id {
                return Err(UserChangeError::ItsYou);
            }
            if user.is_admin() && user.active && other_active_admins(conn, id)? == 0 {
                return Err(UserChangeError::LastAdmin);
            }
        }
        diesel::update(users::table.find(id))
            .set(users::role.eq(role))
            .execute(conn)?;
        Ok(())
    })
}

/// After a failed login: count it, and from the fifth failure in a row lock
/// the account for a delay that doubles each time, up to 15 minutes.
/// A failed login counted on the account.
pub struct FailedLogin {
    /// Failures since the last login, from any address.
    pub failures: i32,
    /// Whether this failure is the one to mail the owner about (once until
    /// their next login).
    pub alert_owner: bool,
}

/// Counts a failed login on the account. The account is never locked by it
/// (see `security::login_throttle`): past a threshold its owner is mailed once.
pub fn record_failed_login(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<FailedLogin> {
    write_transaction(conn, |conn| {
        let (failures, alerted_at): (i32, Option<i64>) = users::table
            .find(id)
            .select((users::failed_logins, users::alerted_at))
            .first(conn)?;
        let failures = failures.saturating_add(1);
        let alert_owner = alerted_at.is_none() && failures >= SLOW_AFTER_FAILURES;
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(failures),
                users::alerted_at.eq(if alert_owner { Some(now) } else { alerted_at }),
            ))
            .execute(conn)?;
        Ok(FailedLogin {
            failures,
            alert_owner,
        })
    })
}

pub fn record_login(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::alerted_at.eq(None::<i64>),
            users::last_login_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The sealed TOTP secret of a user who has two-factor login on.
pub fn totp_secret(conn: &mut DbConnection, id: i64) -> QueryResult<Option<String>> {
    Ok(users::table
        .find(id)
        .select(users::totp_secret)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Turns two-factor login on with a confirmed secret and its recovery codes.
/// `step` is the confirming code's: it cannot log in afterwards.
pub fn enable_two_factor(
    conn: &mut DbConnection,
    id: i64,
    sealed_secret: &str,
    step: i64,
    recovery_hashes: &[String],
    now: i64,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::update(users::table.find(id))
            .set((
                users::totp_secret.eq(sealed_secret),
                users::totp_enabled_at.eq(now),
                users::totp_last_step.eq(step),
            ))
            .execute(conn)?;
        recovery_code::replace(conn, id, recovery_hashes, now)
    })
}

/// Turns two-factor login off (by its owner, or reset by an admin): the
/// secret and the recovery codes go.
pub fn disable_two_factor(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::update(users::table.find(id))
            .set((
                users::totp_secret.eq(None::<String>),
                users::totp_enabled_at.eq(None::<i64>),
                users::totp_last_step.eq(None::<i64>),
            ))
            .execute(conn)?;
        recovery_code::delete_all(conn, id)?;
        Ok(())
    })
}

/// Takes a code's step as used, if it is later than the last one used: a
/// code seen over a shoulder, or sent twice, works once. One conditional
/// update, so of two logins racing with one code, one wins.
pub fn claim_code_step(conn: &mut DbConnection, id: i64, step: i64) -> QueryResult<bool> {
    let claimed = diesel::update(
        users::table.find(id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(claimed > 0)
}
