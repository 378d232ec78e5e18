//! Read models: what one page or job needs, joined across tables. Nothing
//! here writes.

pub mod audit;
pub mod catalogue;
pub mod contact_export;
pub mod contact_search;
pub mod conversation;
pub mod dashboard;
pub mod follow_up_queue;
pub mod lead_detail;
pub mod lead_export;
pub mod lead_filter;
pub mod lead_json;
pub mod lead_list;
pub mod offer_figures;
pub mod overdue;
pub mod related_reports;
pub mod repeat_interest;
