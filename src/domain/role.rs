//! What a staff member may do on the desk.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything sales may, plus users, routing and the audit log.
    Admin,
    /// Works leads.
    Sales,
}

impl Role {
    pub const ALL: [Role; 2] = [Self::Admin, Self::Sales];

    /// The value in `users.role`, and in the forms that set it.
    pub fn as_db(&self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Sales => "sales",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_db() == value)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_db())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::from_db(role.as_db()), Some(role));
        }
        assert_eq!(Role::from_db("root"), None);
    }
}
