//! Who sells the reports: named in every buyer mail and on every public page.

/// The publisher as buyer mails and public pages name it. Unset parts say so plainly, so a
/// missing setting shows in the first test mail rather than going unnoticed.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub address: String,
    pub url: String,
}

impl Publisher {
    pub fn new(name: &str, address: &str, url: &str) -> Self {
        let or_unset = |value: &str, setting: &str| {
            let value: String = value
                .trim()
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if value.is_empty() {
                format!("[{setting} is not set]")
            } else {
                value
            }
        };
        Self {
            name: or_unset(name, "REPORTDESK_PUBLISHER_NAME"),
            address: or_unset(address, "REPORTDESK_PUBLISHER_ADDRESS"),
            url: or_unset(url, "REPORTDESK_PUBLISHER_URL"),
        }
    }
}
