//! The SVG charts, drawn on the server: the report's forecast and the
//! dashboard's daily leads and funnel.

pub mod dashboard;
pub mod forecast;
pub mod share_image;
