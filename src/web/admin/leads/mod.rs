//! `/admin/leads`: the list, one lead, the changes staff make, the export.

pub mod actions;
pub mod bulk;
pub mod conversation;
pub mod detail;
pub mod export;
pub mod filters;
pub mod list;
pub mod next_step;
pub mod offers;
pub mod queues;
pub mod timeline;
pub mod views;
