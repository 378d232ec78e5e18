//! Integration tests: the real server on a free port, against a fresh SQLite file
//! and, when `REPORTDESK_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database.

mod browser;
mod faulty_relay;
mod helpers;
mod process;
mod smtp;
mod staff;

mod admin_export;
mod admin_leads;
mod admin_login;
mod admin_users;
mod architecture;
mod audit;
mod browser_buyer;
mod browser_sample;
mod browser_staff;
mod catalog;
mod confirmations;
mod conversation;
mod desk_loops;
mod dkim;
mod gdpr;
mod hardening;
mod health;
mod html_pages;
mod lead_filter;
mod lead_forms;
mod lead_mail;
mod lead_spam;
mod lead_validation;
mod login_throttle;
mod logs;
mod mail_crash;
mod mail_delivery;
mod mail_doctor;
mod migrations;
mod pages;
mod password_reset;
mod report_import;
mod report_page;
mod samples;
mod scale_out;
mod sessions;
mod unavailable;
mod workflow;
