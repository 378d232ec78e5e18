//! The business vocabulary. Nothing here knows of actix or diesel.

pub mod forecast;
pub mod report;
