//! `reportdesk user …`: staff accounts from the command line.

use std::io::BufRead;

use anyhow::{Context, anyhow, bail};

use crate::cli::UserCommand;
use crate::db::models::user::{NewUser, User, disable, set_password};
use crate::db::{self, now_unix};
use crate::domain::email::EmailAddress;
use crate::mail::compose::MailSetup;
use crate::security::password::{check_new_password, hash_password_blocking};
use crate::settings::Settings;
use crate::workflow::two_factor;

pub fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<String> {
    let pool = db::connect(&settings.database_url, 1)?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            password_stdin,
        } => {
            let email = EmailAddress::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().any(char::is_control) {
                bail!("--name must be a non-empty single line");
            }
            let password = read_password(password_stdin, email.as_str())?;
            let hash = hash_password_blocking(&password)?;
            let new_user = NewUser {
                email: email.as_str(),
                name,
                role: role.stored(),
                password_hash: &hash,
            };
            let id = new_user.insert(&mut conn, now_unix())?;
            Ok(format!(
                "created {} user {} (id {id})",
                role.stored(),
                email.normalized()
            ))
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
        } => {
            let user = find(&mut conn, &email)?;
            let password = read_password(password_stdin, &user.email)?;
            set_password(
                &mut conn,
                user.id,
                &hash_password_blocking(&password)?,
                None,
                now_unix(),
            )?;
            Ok(format!("password set for {}", user.email))
        }
        UserCommand::Disable { email } => {
            let user = find(&mut conn, &email)?;
            disable(&mut conn, user.id, None)?;
            Ok(format!("disabled {}", user.email))
        }
        UserCommand::ResetTwoFactor { email } => {
            let user = find(&mut conn, &email)?;
            if !user.has_two_factor() {
                return Ok(format!("{} has no two-factor login to reset", user.email));
            }
            let from: lettre::message::Mailbox = settings.mail_from.parse().with_context(|| {
                format!(
                    "REPORTDESK_MAIL_FROM {:?} is not a mail address",
                    settings.mail_from
                )
            })?;
            let setup = MailSetup::from_settings(settings, &settings.secret_key_bytes()?, &from);
            two_factor::reset(&mut conn, None, user.id, &setup, now_unix())?;
            Ok(format!(
                "two-factor login reset for {}; they were signed out and mailed (the running server sends it)",
                user.email
            ))
        }
    }
}

fn find(conn: &mut db::DbConnection, email: &str) -> anyhow::Result<User> {
    User::find_by_email(conn, email)?.ok_or_else(|| anyhow!("no user with email {email}"))
}

/// From standard input (first line) or a prompt without echo, asked twice.
fn read_password(from_stdin: bool, email: &str) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let second =
            rpassword::prompt_password("Repeat password: ").context("cannot read the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    };
    check_new_password(&password, email)
        .map_err(|problem| anyhow!("password refused: {problem}"))?;
    Ok(password)
}
