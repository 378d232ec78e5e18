//! View models: what each page template needs, computed before rendering so the
//! templates stay free of logic.

pub mod admin;
pub mod catalog_page;
pub mod dashboard_charts;
pub mod forecast_chart;
pub mod layout;
pub mod lead_form_page;
pub mod page_cache;
pub mod report_page;

/// A 200 HTML response from a rendered page.
pub fn html(body: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}
