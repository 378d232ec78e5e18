//! The list's filter form: its values as typed, and the query layer's
//! `LeadFilter` made from them.

use crate::db::queries::lead_filter::{FEW_PEOPLE, LeadFilter, OwnerFilter, Queue, Sort};
use crate::db::queries::lead_list::{COUNT_CAP, PAGE_SIZE, cap_for};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::ResponseTargets;
use crate::domain::sample::SampleStage;
use crate::format::count_label;

const DAY: i64 = 24 * 60 * 60;

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
    pub sample: String,
    /// A work queue: `overdue`, `follow-up` or `replied`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub queue: String,
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

    /// The filters as the query layer takes them; values that do not parse
    /// are ignored rather than failing the page. Queues are as of `now`.
    pub fn to_filter(&self, targets: &ResponseTargets, now: i64) -> LeadFilter {
        // Control characters (a NUL among them, which PostgreSQL refuses in
        // text) are no part of any name, email or company.
        let text: String = self.q.chars().filter(|c| !c.is_control()).collect();
        let text = text.trim().to_lowercase();
        LeadFilter {
            status: LeadStatus::from_db(&self.status),
            kind: LeadKind::from_db(&self.kind),
            report_id: self.report.parse().ok(),
            owner: match self.assignee.as_str() {
                "none" => Some(OwnerFilter::Unassigned),
                other => other.parse().ok().map(OwnerFilter::User),
            },
            text: (!text.is_empty()).then(|| text.chars().take(100).collect()),
            text_match: None,
            from: parse_date(&self.from),
            to: parse_date(&self.to).map(|d| d + DAY),
            sample: SampleStage::from_param(&self.sample),
            queue: queue(&self.queue, targets, now),
            ids: None,
            sort: self.sort_in_effect(),
        }
    }

    /// The sort the list is in: the one chosen, else its queue's own
    /// (Follow-up due and Buyer replied are worked waiting longest first).
    pub fn sort_in_effect(&self) -> Sort {
        Sort::parse(&self.sort).unwrap_or(match self.queue.as_str() {
            "follow-up" | "replied" => Sort::Waiting,
            _ => Sort::Newest,
        })
    }

    /// The page asked for, from 1.
    pub fn page_number(&self) -> i64 {
        self.page.parse::<i64>().unwrap_or(1).max(1)
    }
}

/// The queues' names in links, and their labels.
pub const QUEUES: [(&str, &str); 3] = [
    ("overdue", "Overdue"),
    ("follow-up", "Follow-up due"),
    ("replied", "Buyer replied"),
];

fn queue(name: &str, targets: &ResponseTargets, now: i64) -> Option<Queue> {
    Some(match name {
        "overdue" => Queue::overdue(targets, now),
        "follow-up" => Queue::FollowUpDue { by: now },
        "replied" => Queue::BuyerReplied,
        _ => return None,
    })
}

fn parse_date(value: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// A count as the desk shows it: "1,234", or "10,000+" past the counting cap.
pub fn shown_count(count: i64) -> String {
    count_label(count, COUNT_CAP)
}

impl FilterValues {
    /// Where counting stops for these filters (`lead_list::count_cap`).
    pub fn count_cap(&self) -> i64 {
        cap_for(QUEUES.iter().any(|(name, _)| *name == self.queue))
    }

    /// A count of these filters' leads: "1,234", or "1,000+" past their cap.
    pub fn shown_count(&self, count: i64) -> String {
        count_label(count, self.count_cap())
    }
}

/// The line above the list: how many leads match and where the page is.
pub fn list_summary(values: &FilterValues, total: Option<i64>, page: i64) -> String {
    let search = values.q.trim();
    let Some(total) = total else {
        return format!(
            "More than {} people match \u{201c}{search}\u{201d}: the newest of their leads \
             first, page {page}. Add words to narrow the search.",
            shown_count(FEW_PEOPLE)
        );
    };
    let pages = (total.min(values.count_cap()) + PAGE_SIZE - 1) / PAGE_SIZE;
    let noun = if total == 1 { "lead" } else { "leads" };
    let mut line = format!("{} {noun}", values.shown_count(total));
    if pages > 1 {
        line.push_str(&format!(", page {page} of {pages}"));
    }
    line
}
