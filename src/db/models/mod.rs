//! One file per table: its row structs and its queries. Each is the only
//! place that writes its table.

pub mod api_token;
pub mod audit_entry;
pub mod backup_run;
pub mod contact;
pub mod follow_up;
pub mod health_probe;
pub mod inbound_mail;
pub mod lead;
pub mod lead_event;
pub mod lead_price;
pub mod login_throttle;
pub mod mail_template;
pub mod offer;
pub mod outbox;
pub mod password_reset;
pub mod recovery_code;
pub mod report;
pub mod report_sample;
pub mod routing;
pub mod sample_delivery;
pub mod saved_view;
pub mod staff_session;
pub mod user;
pub mod webhook_delivery;
pub mod webhook_endpoint;
