//! The business vocabulary. Nothing here knows of actix or diesel.

pub mod attribution;
pub mod audit_action;
pub mod country;
pub mod email;
pub mod forecast;
pub mod inbound;
pub mod lead_event;
pub mod lead_kind;
pub mod lead_request;
pub mod lead_status;
pub mod licence;
pub mod mail_kind;
pub mod mail_template;
pub mod masking;
pub mod owner;
pub mod phone;
pub mod publisher;
pub mod report;
pub mod response_clock;
pub mod role;
pub mod sample;
pub mod scoring;
pub mod slug;
pub mod text;
pub mod working_hours;
