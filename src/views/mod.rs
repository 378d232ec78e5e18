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

/// A rendered form page: 422 when it shows a problem, so the browser and any
/// client know the request was refused, else 200.
pub fn form_page(has_problem: bool, body: String) -> actix_web::HttpResponse {
    let status = if has_problem {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}
