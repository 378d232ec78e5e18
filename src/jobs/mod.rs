//! Work beside the requests, in every instance: the outbox worker sends mail;
//! housekeeping escalates overdue leads and applies retention. Both can be run
//! once on demand (tests drain the outbox instead of waiting for it).

pub mod housekeeping;
pub mod inbound_smtp;
pub mod outbox_worker;
pub mod scheduled_backup;
pub mod wakeups;
pub mod webhook_worker;
