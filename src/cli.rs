//! Command line (clap). `reportdesk` alone serves.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "reportdesk", version, about = "Report pages and lead desk for a market-research publisher", after_help = crate::settings::HELP)]
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
    /// Check the mail set-up.
    #[command(subcommand)]
    Mail(MailCommand),
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send one test mail through the configured transport and report the outcome.
    Test {
        /// Recipient address.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Insert a report from a TOML file, or update the one with the same slug.
    Import {
        /// The report file, e.g. content/reports/global-medical-second-opinion-market.toml
        file: PathBuf,
    },
    /// List the reports in the database.
    List,
}
