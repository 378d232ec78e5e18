//! Where login sends a person back to: only a page of the desk on this site,
//! given as a relative path. Anything else (an absolute URL, `//host`, a
//! backslash trick, the login page itself) is ignored: never an open redirect.

/// The path to return to after login, if `candidate` is a safe one.
pub fn safe_return_path(candidate: &str) -> Option<String> {
    let path = candidate.trim();
    let desk = path == "/admin" || path.starts_with("/admin/") || path.starts_with("/admin?");
    let forbidden = path.starts_with("//")
        || path.contains('\\')
        || path.chars().any(|c| c.is_control() || c.is_whitespace())
        || path.starts_with("/admin/login")
        || path.starts_with("/admin/logout")
        || path.len() > 500;
    (desk && !forbidden).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_page_is_kept_and_anything_off_site_is_ignored() {
        assert_eq!(
            safe_return_path("/admin/leads/42").as_deref(),
            Some("/admin/leads/42")
        );
        assert_eq!(
            safe_return_path("/admin/leads?status=new").as_deref(),
            Some("/admin/leads?status=new")
        );
        for unsafe_target in [
            "https://evil.test/admin/",
            "//evil.test/admin/",
            "/\\evil.test",
            "/admin/\\\\evil.test",
            "/reports/x",
            "/admin/login?next=/admin",
            "/administrator",
            "/admin/leads\r\nSet-Cookie: x",
            "",
        ] {
            assert_eq!(safe_return_path(unsafe_target), None, "{unsafe_target:?}");
        }
    }
}
