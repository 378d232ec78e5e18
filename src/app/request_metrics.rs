//! Every answered request counted and timed by its route's template (never
//! its path: buyers' URLs must not become metric labels).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::monitoring::record;

pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PATCH" => "PATCH",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .map_or_else(|| "unmatched".to_owned(), |p| template(&p));
    let seconds = started.elapsed().as_secs_f64();
    record::request(&route, method, response.status().as_u16(), seconds);
    Ok(response)
}

/// The pattern without its segments' regular expressions:
/// `/reports/{slug}/{form:sample-request|inquiry|discount}` → `/reports/{slug}/{form}`.
fn template(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let (mut in_segment, mut in_regex) = (false, false);
    for c in pattern.chars() {
        match c {
            '{' if !in_regex => in_segment = true,
            ':' if in_segment => in_regex = true,
            '}' => (in_segment, in_regex) = (false, false),
            _ => {}
        }
        if !in_regex || c == '}' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_route_template_drops_its_segments_patterns() {
        assert_eq!(
            super::template("/reports/{slug}/{form:sample-request|inquiry|discount}"),
            "/reports/{slug}/{form}"
        );
        assert_eq!(super::template("/static/{path:.*}"), "/static/{path}");
        assert_eq!(super::template("/admin/leads/{id}"), "/admin/leads/{id}");
    }
}
