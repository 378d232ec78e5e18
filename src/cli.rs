//! Command line (clap). `reportdesk` alone serves.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "reportdesk", version, about = "Report pages and lead desk for a market-research publisher", after_help = crate::settings::help())]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations, import the bundled report if there is none, and serve (default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Manage reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Generate data for benchmarks and demos.
    #[command(subcommand)]
    Generate(GenerateCommand),
    /// Check the mail set-up.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Take a consistent copy of the database while the server runs (or check one).
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        check: Option<BackupCommand>,
        /// The folder to write the copy into (reportdesk-YYYYMMDD-HHMMSS.sqlite3).
        #[arg(long)]
        to: Option<PathBuf>,
        /// How many copies to keep in the folder, newest first.
        #[arg(long, default_value_t = 14)]
        keep: usize,
    },
    /// Put a backup in place of the database (the server must be stopped; the old file is kept).
    Restore { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Check a backup: integrity, migrations level, row counts.
    Verify { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send one test mail through the configured transport and report the outcome.
    Test {
        /// Recipient address.
        #[arg(long)]
        to: String,
    },
    /// Make a DKIM key (RSA 2048, or Ed25519) and print the DNS TXT record to publish.
    DkimKeygen {
        /// The selector, one DNS label: the record is SELECTOR._domainkey.<From domain>.
        #[arg(long)]
        selector: String,
        /// An Ed25519 key instead of RSA (publish both if some receivers lack Ed25519).
        #[arg(long)]
        ed25519: bool,
        /// Where to write the private key (a new file; default dkim-SELECTOR.pem).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the SPF, DKIM and DMARC records the From domain needs and whether DNS has them.
    Doctor {
        /// Ask this DNS server (IP:PORT) instead of the system's resolver.
        #[arg(long)]
        dns: Option<std::net::SocketAddr>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Insert a report from a TOML file, or update the one with the same
    /// slug; given a folder, every `.toml` in it, each on its own.
    Import {
        /// A report file (content/reports/global-medical-second-opinion-market.toml) or a folder of them
        file: PathBuf,
    },
    /// List the reports in the database.
    List,
    /// Write the sample PDF a buyer of this report would receive.
    Sample {
        slug: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Admin,
    Sales,
}

impl Role {
    /// The domain's role: clap's value names are the same words.
    pub fn stored(&self) -> crate::domain::role::Role {
        match self {
            Self::Admin => crate::domain::role::Role::Admin,
            Self::Sales => crate::domain::role::Role::Sales,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account. The password is asked for without echo.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (and lift a lockout).
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account; its sessions stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Turn an account's two-factor login off (a lost phone, no recovery
    /// codes, no other admin): its sessions end and its owner is mailed.
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Insert COUNT leads with a realistic spread of kinds, statuses, countries and dates.
    Leads {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Insert COUNT realistic test reports across industries and regions.
    Reports {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print COUNT signed form tokens for the bundled report, one per line.
    FormTokens {
        #[arg(long)]
        count: usize,
        /// sample-request, inquiry (the default) or discount.
        #[arg(long)]
        kind: Option<String>,
    },
}
