//! Every answered request counted and timed by its route's template (never
//! its path: buyers' URLs must not become metric labels).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, RwLock};
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
    let route = route_of(response.request());
    let seconds = started.elapsed().as_secs_f64();
    record::request(route, method, response.status().as_u16(), seconds);
    Ok(response)
}

/// Paths remembered at most; past it the memory starts again.
const REMEMBERED_PATHS: usize = 2048;

/// The route template of the request's path. Finding it matches the path
/// against the routes a second time (regular expressions, a tenth of a
/// cached report page's time), so each path's answer is remembered, and
/// each template is kept once for the life of the process (there are as
/// many as routes).
fn route_of(req: &actix_web::HttpRequest) -> &'static str {
    static BY_PATH: OnceLock<RwLock<HashMap<String, &'static str>>> = OnceLock::new();
    let by_path = BY_PATH.get_or_init(Default::default);
    if let Some(route) = by_path
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(req.path())
    {
        return route;
    }
    let route = intern(
        req.match_pattern()
            .map_or_else(|| "unmatched".to_owned(), |p| template(&p)),
    );
    let mut by_path = by_path.write().unwrap_or_else(|p| p.into_inner());
    if by_path.len() >= REMEMBERED_PATHS {
        by_path.clear();
    }
    by_path.insert(req.path().to_owned(), route);
    route
}

/// The one `'static` copy of a route template.
fn intern(template: String) -> &'static str {
    static TEMPLATES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut templates = TEMPLATES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(known) = templates.iter().find(|t| **t == template) {
        return known;
    }
    let leaked: &'static str = Box::leak(template.into_boxed_str());
    templates.push(leaked);
    leaked
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
