//! The daily backup (`REPORTDESK_BACKUP_DIR`, at `REPORTDESK_BACKUP_HOUR`
//! UTC): every instance looks each minute; the one that claims the day in
//! the `backups` table takes it.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::models::backup_run;
use crate::db::{Pool, now_unix, run_blocking};

const LOOK_EVERY: Duration = Duration::from_secs(60);
/// Copies kept in the folder.
const KEEP: usize = 14;

#[derive(Clone)]
pub struct ScheduledBackup {
    pub pool: Pool,
    pub database_url: String,
    pub dir: PathBuf,
    pub hour: u32,
}

impl ScheduledBackup {
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut look = tokio::time::interval(LOOK_EVERY);
            loop {
                tokio::select! {
                    _ = look.tick() => { self.run_if_due(now_unix()).await; }
                    _ = shutdown.changed() => return,
                }
            }
        })
    }

    /// Takes today's backup if it is the hour and no instance has; answers
    /// the file written.
    pub async fn run_if_due(&self, now: i64) -> Option<PathBuf> {
        let Ok(at) = jiff::Timestamp::from_second(now) else {
            return None;
        };
        let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
        if u32::try_from(utc.hour()).ok() != Some(self.hour) {
            return None;
        }
        let day = utc.strftime("%Y-%m-%d").to_string();
        let claim_day = day.clone();
        let claimed = run_blocking(&self.pool, move |conn| {
            Ok(backup_run::claim_day(conn, &claim_day, now)?)
        })
        .await;
        if !matches!(claimed, Ok(true)) {
            return None;
        }
        let (url, dir) = (self.database_url.clone(), self.dir.clone());
        let taken =
            tokio::task::spawn_blocking(move || crate::backup::take(&url, &dir, KEEP, now)).await;
        let finished = now_unix();
        match taken {
            Ok(Ok(taken)) => {
                let file = taken.file.display().to_string();
                let recorded = run_blocking(&self.pool, move |conn| {
                    Ok(backup_run::record(conn, Some(&day), &file, finished)?)
                })
                .await;
                if let Err(error) = recorded {
                    tracing::warn!(%error, "backup taken but not recorded");
                }
                tracing::info!(file = %taken.file.display(), "daily backup taken");
                Some(taken.file)
            }
            failed => {
                let error = match failed {
                    Ok(Err(error)) => error.to_string(),
                    Err(error) => error.to_string(),
                    Ok(Ok(_)) => String::new(),
                };
                tracing::error!(%error, "daily backup failed; the next instance to look tries again");
                let _ = run_blocking(&self.pool, move |conn| {
                    Ok(backup_run::release_day(conn, &day)?)
                })
                .await;
                None
            }
        }
    }
}
