//! Each request's route template (`/admin/leads/{id}`), named for logs and
//! metrics without the path (buyers' URLs must stay out of both). Finding it
//! matches the path against every route with regular expressions, about a
//! tenth of a cached report page's time, so each path's answer is
//! remembered.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, RwLock};

/// Paths remembered at most; past it the memory starts again.
const REMEMBERED_PATHS: usize = 2048;

/// The route template of the request's path; each template is kept once
/// for the life of the process (there are as many as routes).
pub fn route_of(req: &actix_web::HttpRequest) -> &'static str {
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
