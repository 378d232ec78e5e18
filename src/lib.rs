//! reportdesk: report pages and the lead desk of a market-research publisher.

pub mod app;
pub mod backup;
pub mod cli;
pub mod content;
pub mod db;
pub mod domain;
pub mod format;
pub mod generate;
pub mod generate_reports;
pub mod jobs;
pub mod mail;
pub mod monitoring;
pub mod sample_pdf;
pub mod security;
pub mod settings;
pub mod state;
pub mod telemetry;
pub mod users_cli;
pub mod web;
pub mod webhooks;
pub mod workflow;
