//! The sales desk's pages.

use askama::Template;

use super::layout::PageMeta;
use crate::db::users::User;

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

/// `2026-11-25 14:03 UTC`
pub fn format_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "–".to_owned())
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "sample_request" => "Sample request",
        "inquiry" => "Inquiry",
        "discount" => "Discount",
        _ => "Other",
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginPage {
    pub meta: PageMeta,
    pub csrf: String,
    pub email: String,
    pub problem: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub periods: Vec<DashboardPeriod>,
    pub daily: super::dashboard_charts::DailyChart,
    pub funnel: Vec<super::dashboard_charts::FunnelBar>,
    pub top_reports: Vec<(String, i64)>,
    /// (kind label, median first response as text)
    pub median_response: Vec<(&'static str, String)>,
    pub overdue: i64,
    pub mail_pending: i64,
    pub mail_dead: i64,
}

pub struct DashboardPeriod {
    pub label: &'static str,
    pub by_kind: Vec<(&'static str, i64)>,
    pub by_status: Vec<(String, i64)>,
}

#[derive(Template)]
#[template(path = "admin/leads.html")]
pub struct LeadListPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub tabs: Vec<Tab>,
    pub rows: Vec<LeadRowView>,
    pub filters: FilterValues,
    pub reports: Vec<(i64, String)>,
    pub owners: Vec<(i64, String)>,
    /// "55 leads, page 1 of 2", or what a broad search shows instead.
    pub summary: String,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    pub export_href: String,
}

pub struct Tab {
    pub label: String,
    pub count: String,
    pub href: String,
    pub current: bool,
}

/// The filter form's values, as typed.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FilterValues {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub report: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub assignee: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl FilterValues {
    /// The query string for these filters with `change` applied.
    pub fn href(&self, path: &str, change: impl FnOnce(&mut FilterValues)) -> String {
        let mut values = self.clone();
        change(&mut values);
        let query = serde_urlencoded::to_string(&values).unwrap_or_default();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

pub struct LeadRowView {
    pub id: i64,
    pub created: String,
    pub kind: &'static str,
    pub report: String,
    pub name: String,
    pub company: String,
    pub masked_email: String,
    pub country: String,
    pub score: i32,
    pub status: String,
    pub owner: String,
    pub delivery: &'static str,
    /// Time left to answer, or how late; empty once answered.
    pub clock: String,
    pub overdue: bool,
    pub repeat: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/lead_detail.html")]
pub struct LeadDetailPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub lead: LeadView,
    pub other_leads: Vec<OtherLead>,
    pub timeline: Vec<TimelineItem>,
    pub owners: Vec<(i64, String)>,
    pub statuses: Vec<&'static str>,
    pub problem: Option<String>,
}

pub struct LeadView {
    pub id: i64,
    pub kind: &'static str,
    pub status: String,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub created: String,
    pub first_response: Option<String>,
    pub report_title: String,
    pub report_href: String,
    pub contact_id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub job_title: String,
    pub phone: String,
    pub country: String,
    pub message: String,
    pub licence: String,
    pub budget: String,
    pub owner_id: Option<i64>,
    pub owner: String,
    pub consent: String,
    pub marketing: &'static str,
    pub attribution: Vec<(&'static str, String)>,
    pub clock: String,
    pub overdue: bool,
    pub repeat: Vec<String>,
}

pub struct OtherLead {
    pub id: i64,
    pub kind: &'static str,
    pub status: String,
    pub created: String,
    pub report: String,
}

pub struct TimelineItem {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub me: i64,
    pub users: Vec<UserRow>,
    pub problem: Option<String>,
    pub new_email: String,
    pub new_name: String,
    pub new_role: String,
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    pub last_login: String,
}

#[derive(Template)]
#[template(path = "admin/password.html")]
pub struct PasswordPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub problem: Option<String>,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "admin/contact.html")]
pub struct ContactPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    pub job_title: String,
    pub country: String,
    pub created: String,
    pub erased: Option<String>,
    pub leads: Vec<OtherLead>,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/routing.html")]
pub struct RoutingPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub rules: Vec<(i64, String, String)>,
    pub users: Vec<(i64, String)>,
    pub countries: &'static [(&'static str, &'static str)],
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub rows: Vec<AuditView>,
    pub actors: Vec<(i64, String)>,
    pub actor: String,
    pub kind: String,
    pub lead: String,
    pub next_href: Option<String>,
    pub previous_href: Option<String>,
}

pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub lead_id: i64,
    pub kind: String,
    pub detail: String,
}

/// A count for display: "1,234", or "10,000+" past the counting cap.
/// The line above the list: how many leads match and where the page is.
pub fn list_summary(total: Option<i64>, page: i64, search: &str) -> String {
    let Some(total) = total else {
        return format!(
            "More than {} people match \u{201c}{search}\u{201d}: the newest of their leads \
             first, page {page}. Add words to narrow the search.",
            count_label(crate::db::lead_admin::FEW_PEOPLE)
        );
    };
    let pages = (total.min(crate::db::lead_admin::COUNT_CAP) + crate::db::lead_admin::PAGE_SIZE
        - 1)
        / crate::db::lead_admin::PAGE_SIZE;
    let noun = if total == 1 { "lead" } else { "leads" };
    let mut line = format!("{} {noun}", count_label(total));
    if pages > 1 {
        line.push_str(&format!(", page {page} of {pages}"));
    }
    line
}

pub fn count_label(count: i64) -> String {
    let capped = count > crate::db::lead_admin::COUNT_CAP;
    let digits = count.min(crate::db::lead_admin::COUNT_CAP).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if capped {
        out.push('+');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::count_label;

    #[test]
    fn counts_are_grouped_and_capped() {
        assert_eq!(count_label(7), "7");
        assert_eq!(count_label(1234), "1,234");
        assert_eq!(count_label(10_000), "10,000");
        assert_eq!(count_label(10_001), "10,000+");
    }
}
