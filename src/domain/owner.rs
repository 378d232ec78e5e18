//! The owner a new lead was given, with what the notification needs.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedOwner {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// "routing rule for DE" or "round-robin".
    pub by: String,
}
