//! What every desk page shows of who is logged in.

use crate::db::models::user::User;

/// Who is logged in, for the admin navigation and every form's CSRF field.
pub struct StaffView {
    pub name: String,
    pub is_admin: bool,
    pub csrf: String,
}

impl StaffView {
    pub fn new(user: &User, csrf: &str) -> Self {
        Self {
            name: user.name.clone(),
            is_admin: user.is_admin(),
            csrf: csrf.to_owned(),
        }
    }
}
