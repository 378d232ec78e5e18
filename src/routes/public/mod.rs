//! Pages anyone may open.

pub mod catalog;
pub mod report;
