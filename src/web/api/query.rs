//! `GET /api/v1/leads`'s parameters, checked into the desk's own filter:
//! every unknown value is a 422 naming its field, never a silent "any".

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use utoipa::IntoParams;

use super::problem::Problem;
use crate::db::DbConnection;
use crate::db::models::report::ReportRef;
use crate::db::queries::lead_filter::{LeadFilter, OwnerFilter};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
const DAY: i64 = 86_400;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `new`, `contacted`, `qualified`, `proposal`, `won`, `lost` or `spam`;
    /// without it, every status but spam.
    pub status: Option<String>,
    /// `sample_request`, `inquiry` or `discount`.
    pub kind: Option<String>,
    /// A report's slug.
    pub report: Option<String>,
    /// A user's id, or `none` for leads without an owner.
    pub assignee: Option<String>,
    /// Words to find in the buyer's name, email or company.
    pub q: Option<String>,
    /// Leads created on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Leads created on or before this day (`YYYY-MM-DD`, UTC).
    pub to: Option<String>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
    /// Leads per page, 1–200 (default 50).
    pub limit: Option<i64>,
}

fn day(field: &'static str, value: &str) -> Result<i64, Problem> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &format)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| Problem::field(field, format!("{field} must be a day as YYYY-MM-DD")))
}

pub fn encode_cursor(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("lead:{last_id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("lead:")?.parse().ok())
        .ok_or_else(|| Problem::field("cursor", "cursor must be a next_cursor this API gave"))
}

/// The parameters as checked: the filter, the cursor and the page size.
pub struct Checked {
    pub filter: LeadFilter,
    pub before: Option<i64>,
    pub limit: i64,
}

impl ListQuery {
    pub fn check(&self, conn: &mut DbConnection) -> Result<Checked, Problem> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut filter = LeadFilter::default();
        if let Some(status) = given(&self.status) {
            filter.status = Some(LeadStatus::from_db(&status).ok_or_else(|| {
                Problem::field(
                    "status",
                    "status must be one of new, contacted, qualified, proposal, won, lost, spam",
                )
            })?);
        }
        if let Some(kind) = given(&self.kind) {
            filter.kind = Some(LeadKind::from_db(&kind).ok_or_else(|| {
                Problem::field("kind", "kind must be sample_request, inquiry or discount")
            })?);
        }
        if let Some(slug) = given(&self.report) {
            let report = ReportRef::find_by_slug(conn, &slug)?
                .ok_or_else(|| Problem::field("report", "no report has that slug"))?;
            filter.report_id = Some(report.id);
        }
        if let Some(assignee) = given(&self.assignee) {
            filter.owner = Some(match assignee.as_str() {
                "none" => OwnerFilter::Unassigned,
                id => OwnerFilter::User(id.parse().map_err(|_| {
                    Problem::field("assignee", "assignee must be a user id or none")
                })?),
            });
        }
        if let Some(q) = given(&self.q) {
            let text: String = q.chars().filter(|c| !c.is_control()).take(100).collect();
            filter.text = Some(text.to_lowercase());
            filter.resolve_text(conn)?;
        }
        if let Some(from) = given(&self.from) {
            filter.from = Some(day("from", &from)?);
        }
        if let Some(to) = given(&self.to) {
            filter.to = Some(day("to", &to)? + DAY);
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Problem::field(
                "limit",
                format!("limit must be 1 to {MAX_LIMIT}"),
            ));
        }
        let before = given(&self.cursor).map(|c| decode_cursor(&c)).transpose()?;
        Ok(Checked {
            filter,
            before,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_the_id_it_was_made_from() {
        assert_eq!(decode_cursor(&encode_cursor(4711)).unwrap(), 4711);
        assert_eq!(decode_cursor("bm9wZQ").unwrap_err().field, Some("cursor"));
    }
}
