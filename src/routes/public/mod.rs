//! Pages anyone may open.

pub mod attribution;
pub mod catalog;
pub mod lead_form;
pub mod privacy;
pub mod report;
