//! The sales desk under `/admin`. Every handler but login takes a `Staff` or
//! an `Admin` (a valid session); every POST takes a `CsrfForm`.

pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod contacts;
pub mod dashboard;
pub mod dashboard_money;
pub mod inbound;
pub mod leads;
pub mod login;
pub mod login_code;
pub mod login_steps;
pub mod my_day;
pub mod password_reset;
pub mod routing;
pub mod session_guard;
pub mod staff_view;
pub mod templates;
pub mod two_factor;
pub mod users;
pub mod webhook_views;
pub mod webhooks;
