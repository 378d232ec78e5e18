//! Staff passwords: argon2id with the OWASP parameters (`Params::DEFAULT`:
//! 19 MiB, 2 passes, 1 lane), hashed and checked on the blocking pool behind a
//! semaphore so a burst of logins cannot starve the server of cores or memory.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Beyond this a password is a denial-of-service attempt, not a secret.
pub const MAX_PASSWORD_CHARS: usize = 1024;

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Why a new password is refused, phrased for the person choosing it.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters"));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Err("Do not use your email address in your password".into());
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return Err("Do not repeat one character".into());
    }
    Ok(())
}

pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    argon2().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash of a random password, checked when the email is unknown so that
/// "no such user" takes as long as "wrong password".
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random = hex::encode(rand::random::<[u8; 16]>());
        hash_password_blocking(&random).unwrap_or_default()
    })
}

/// Hashing and checking off the async executor, at most one per core at once.
#[derive(Clone)]
pub struct PasswordHasherPool {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasherPool {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }
}

impl PasswordHasherPool {
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash_password_blocking(&password)).await?
    }

    /// Checks a password against a stored hash, or against the dummy hash when
    /// there is none, taking the same time either way.
    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, dummy_hash());
                false
            }
        })
        .await
        .map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_with_the_owasp_parameters_and_verifies() {
        let hash = hash_password_blocking("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking("correct horse battery", &hash));
        assert!(!verify_blocking("correct horse batterY", &hash));
    }

    #[test]
    fn short_or_obvious_passwords_are_refused() {
        assert!(check_new_password("short", "a@b.co").is_err());
        assert!(check_new_password("aaaaaaaaaaaaaaa", "a@b.co").is_err());
        assert!(check_new_password("maria.lopez-2026!", "maria.lopez@acme.com").is_err());
        assert!(check_new_password("tangerine-orbit-42", "maria@acme.com").is_ok());
    }
}
