//! What every handler shares. Its own module, apart from the composition
//! root (`app`, which imports the handlers) and from the handlers (`web`,
//! which import it), so neither imports the other's importer.

pub mod figures_memo;
pub mod page_cache;
pub mod sample_cache;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use self::figures_memo::FiguresMemo;
use self::page_cache::PageCache;
use crate::db::Pool;
use crate::db::group_commit::GroupCommitter;
use crate::db::queries::dashboard::{WindowFigures, WindowMark};
use crate::jobs::wakeups::Wakeups;
use crate::mail::compose::MailSetup;
use crate::security::form_token::FormTokens;
use crate::security::password::PasswordHasherPool;
use crate::security::rate_limit::RateLimiter;
use crate::security::two_factor_keys::TwoFactorKeys;
use crate::settings::Settings;

/// Shared by every handler.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    /// The SQLite database file, when that is the backend (for the health check).
    pub sqlite_file: Option<PathBuf>,
    pub form_tokens: FormTokens,
    /// Seal TOTP secrets and hash recovery codes.
    pub two_factor: TwoFactorKeys,
    pub rate_limiter: RateLimiter,
    pub trusted_proxies: Vec<IpAddr>,
    /// Login attempts per client address, apart from form submissions.
    pub login_limiter: RateLimiter,
    /// Buyer confirmations one client address may cause, apart from the
    /// per-recipient limit: a form is not a way to mail strangers.
    pub confirmation_limiter: RateLimiter,
    /// Requests per API token.
    pub api_limiter: RateLimiter<i64>,
    pub passwords: PasswordHasherPool,
    /// Tells this instance's outbox and webhook workers that work may be
    /// waiting (other instances' work is found by their polls).
    pub wakeups: Wakeups,
    /// What composing a lead's mails needs.
    pub mail_setup: MailSetup,
    /// Rendered report pages.
    pub report_pages: PageCache,
    /// Rendered share images (PNG), by report.
    pub share_images: PageCache,
    /// Sample PDFs by version, once read.
    pub samples: sample_cache::SampleCache,
    /// The dashboard's window figures, while its mark holds.
    pub dashboard: FiguresMemo<WindowMark, WindowFigures>,
    /// On SQLite, lead submissions share commits (see `db::group_commit`).
    pub group_commit: Option<GroupCommitter>,
}

impl AppState {
    /// After a commit that queued mail or lead events: this instance's
    /// workers look at once instead of at their next poll.
    pub fn work_queued(&self) {
        self.wakeups.work_queued();
    }
}
