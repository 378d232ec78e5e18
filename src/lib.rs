//! reportdesk: report pages and the lead desk of a market-research publisher.

pub mod cli;
pub mod content;
pub mod db;
pub mod domain;
pub mod errors;
pub mod generate;
pub mod mail;
pub mod routes;
pub mod security;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod users_cli;
pub mod views;
