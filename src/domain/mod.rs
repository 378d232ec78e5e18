//! The business vocabulary. Nothing here knows of actix or diesel.

pub mod attribution;
pub mod country;
pub mod email;
pub mod forecast;
pub mod lead_kind;
pub mod lead_request;
pub mod lead_status;
pub mod masking;
pub mod phone;
pub mod report;
pub mod response_clock;
pub mod scoring;
pub mod text;
