//! Pages anyone may open: the catalog, report pages, the three lead forms.

pub mod attribution;
pub mod buyer_country;
pub mod catalog;
pub mod form_limits;
pub mod lead_form;
pub mod lead_form_page;
pub mod licence_choices;
pub mod privacy;
pub mod quote;
pub mod report;
pub mod report_json_ld;
pub mod report_page;
pub mod sample;
pub mod share_image;
pub mod sitemap;
