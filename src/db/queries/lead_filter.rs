//! The desk's one lead filter. `conditions()` makes it SQL for the list, its
//! counts and the export; `matches()` checks a lead already read (a narrow
//! search reads its people's few leads once and filters them here). A property
//! test holds the two to the same answers.

use diesel::dsl::sql;
use diesel::expression::SelectableExpression;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::contact_search::{Condition, ContactSearch};
use crate::db::DbConnection;
use crate::db::models::lead::Lead;
use crate::db::schema::leads;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::ResponseTargets;
use crate::domain::sample::SampleStage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Score,
    /// Waiting longest first: in "Follow-up due" the step due earliest, in
    /// "Buyer replied" the oldest unanswered reply, elsewhere the oldest
    /// lead. Those two queues' own order, and their default.
    Waiting,
}

impl Sort {
    /// The sort named in a link, if it names one.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "newest" => Self::Newest,
            "oldest" => Self::Oldest,
            "score" => Self::Score,
            "waiting" => Self::Waiting,
            _ => return None,
        })
    }

    /// Its name in links and in the sort menu.
    pub fn name(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Score => "score",
            Self::Waiting => "waiting",
        }
    }
}

/// The desk's work queues, beside the status tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Open, never contacted, past the first-response target: created
    /// before the cutoff of its kind.
    Overdue { cutoffs: [(LeadKind, i64); 3] },
    /// Open, with a next step due by this time.
    FollowUpDue { by: i64 },
    /// The buyer wrote and nobody has answered.
    BuyerReplied,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    Unassigned,
    User(i64),
}

/// The list's filters; `None` means "any". Without a status, spam is left out:
/// it has its own tab.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub status: Option<LeadStatus>,
    pub kind: Option<LeadKind>,
    pub report_id: Option<i64>,
    pub owner: Option<OwnerFilter>,
    /// Lower-cased text to find in name, email or company.
    pub text: Option<String>,
    /// The people `text` matches, once looked up (see `resolve_text`).
    pub text_match: Option<TextMatch>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    /// Sample requests whose sample stands here.
    pub sample: Option<SampleStage>,
    pub queue: Option<Queue>,
    /// Only these leads: a selection made on the list (at most 5,000).
    pub ids: Option<Vec<i64>>,
    pub sort: Sort,
}

/// Up to this many matching people, a search reads their leads through the
/// contact index and counts them exactly; beyond, it is too broad to count
/// cheaply and the list shows the newest matching leads instead.
pub const FEW_PEOPLE: i64 = 2_000;

/// The people a text search matches.
#[derive(Debug, Clone)]
pub enum TextMatch {
    Few(Vec<i64>),
    Many(ContactSearch),
}

/// Which statuses a filter lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusScope {
    /// The filter's own status (or every status but spam).
    AsFiltered,
    /// One tab's status, whatever the filter says.
    Only(LeadStatus),
}

/// The fields of a lead that the filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilteredFields {
    pub id: i64,
    pub kind: LeadKind,
    pub status: LeadStatus,
    pub report_id: i64,
    pub assignee_id: Option<i64>,
    pub contact_id: i64,
    pub created_at: i64,
    /// From the lead's sample links (`SampleStage::of`).
    pub sample: Option<SampleStage>,
    pub first_response_at: Option<i64>,
    pub buyer_replied_at: Option<i64>,
    /// When its next step is due, if it has one.
    pub follow_up_due: Option<i64>,
}

impl FilteredFields {
    /// A lead read with its sample links' state (`link_states`) and its
    /// follow-up's due time (`follow_up::due_times`).
    pub fn of(
        lead: &Lead,
        links: &std::collections::HashMap<i64, bool>,
        follow_ups: &std::collections::HashMap<i64, i64>,
    ) -> Self {
        Self {
            id: lead.id,
            kind: lead.kind,
            status: lead.status,
            report_id: lead.report_id,
            assignee_id: lead.assignee_id,
            contact_id: lead.contact_id,
            created_at: lead.created_at,
            sample: sample_stage(lead.kind, links.get(&lead.id).copied()),
            first_response_at: lead.first_response_at,
            buyer_replied_at: lead.buyer_replied_at,
            follow_up_due: follow_ups.get(&lead.id).copied(),
        }
    }
}

impl Queue {
    /// Open, never-contacted leads past their kind's first-response target
    /// as of `now`.
    pub fn overdue(targets: &ResponseTargets, now: i64) -> Self {
        Self::Overdue {
            cutoffs: LeadKind::ALL.map(|kind| (kind, targets.cutoff(kind, now))),
        }
    }

    /// The same queue, checked on a lead already read.
    fn admits(&self, lead: &FilteredFields) -> bool {
        match *self {
            Queue::Overdue { cutoffs } => {
                lead.first_response_at.is_none()
                    && lead.status.awaits_contact()
                    && cutoffs
                        .iter()
                        .any(|(kind, cutoff)| *kind == lead.kind && lead.created_at < *cutoff)
            }
            Queue::FollowUpDue { by } => {
                lead.status.awaits_contact() && lead.follow_up_due.is_some_and(|due| due <= by)
            }
            Queue::BuyerReplied => lead.buyer_replied_at.is_some(),
        }
    }
}

/// The stage of a lead of `kind` whose links are `link` (downloaded or not),
/// `None` without links.
pub fn sample_stage(kind: LeadKind, link: Option<bool>) -> Option<SampleStage> {
    SampleStage::of(
        kind == LeadKind::SampleRequest,
        link.is_some(),
        link == Some(true),
    )
}

impl LeadFilter {
    /// Looks up the people a text search matches, through the search index,
    /// once for the page and its counts.
    pub fn resolve_text(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        let Some(text) = &self.text else {
            return Ok(());
        };
        let search = ContactSearch::new(conn, text);
        let ids = search.first_ids(conn, FEW_PEOPLE + 1)?;
        self.text_match = Some(if ids.len() as i64 > FEW_PEOPLE {
            TextMatch::Many(search)
        } else {
            TextMatch::Few(ids)
        });
        Ok(())
    }

    /// The filter as SQL conditions on `leads` columns, for any query whose
    /// source has them (`leads` alone, or joined).
    pub fn conditions<QS>(&self, scope: StatusScope) -> Vec<Condition<QS>>
    where
        leads::id: SelectableExpression<QS>,
        leads::kind: SelectableExpression<QS>,
        leads::status: SelectableExpression<QS>,
        leads::report_id: SelectableExpression<QS>,
        leads::assignee_id: SelectableExpression<QS>,
        leads::contact_id: SelectableExpression<QS>,
        leads::created_at: SelectableExpression<QS>,
        leads::first_response_at: SelectableExpression<QS>,
        leads::buyer_replied_at: SelectableExpression<QS>,
    {
        let mut conditions: Vec<Condition<QS>> = Vec::new();
        match self.wanted_status(scope) {
            Some(status) => conditions.push(Box::new(leads::status.eq(status))),
            None => conditions.push(Box::new(leads::status.ne(LeadStatus::Spam))),
        }
        if let Some(kind) = self.kind {
            conditions.push(Box::new(leads::kind.eq(kind)));
        }
        if let Some(report_id) = self.report_id {
            conditions.push(Box::new(leads::report_id.eq(report_id)));
        }
        match self.owner {
            Some(OwnerFilter::Unassigned) => {
                conditions.push(Box::new(leads::assignee_id.is_null()))
            }
            Some(OwnerFilter::User(id)) => {
                // `assignee_id = ?` is nullable in diesel's types, and a nullable
                // condition cannot be boxed for a joined source; the same SQL
                // as a typed-`Bool` fragment can.
                let owned_by = sql::<Bool>("leads.assignee_id = ").bind::<BigInt, _>(id);
                conditions.push(Box::new(owned_by))
            }
            None => {}
        }
        if let Some(from) = self.from {
            conditions.push(Box::new(leads::created_at.ge(from)));
        }
        if let Some(to) = self.to {
            conditions.push(Box::new(leads::created_at.lt(to)));
        }
        if let Some(stage) = self.sample {
            conditions.push(Box::new(leads::kind.eq(LeadKind::SampleRequest)));
            // As `sql` fragments on `leads.id`, so they box for a joined
            // source like the owner condition above.
            let link = "SELECT 1 FROM sample_deliveries d WHERE d.lead_id = leads.id";
            let used = format!("{link} AND d.first_download_at IS NOT NULL");
            let condition = match stage {
                SampleStage::Awaiting => format!("NOT EXISTS ({link})"),
                SampleStage::Sent => format!("EXISTS ({link}) AND NOT EXISTS ({used})"),
                SampleStage::Downloaded => format!("EXISTS ({used})"),
            };
            conditions.push(Box::new(sql::<Bool>(&condition)));
        }
        match self.queue {
            Some(Queue::Overdue { cutoffs }) => {
                let [(k1, c1), (k2, c2), (k3, c3)] = cutoffs;
                let late = |k: LeadKind, c: i64| leads::kind.eq(k).and(leads::created_at.lt(c));
                conditions.push(Box::new(leads::first_response_at.is_null()));
                conditions.push(Box::new(leads::status.eq_any(LeadStatus::AWAITING_CONTACT)));
                conditions.push(Box::new(late(k1, c1).or(late(k2, c2)).or(late(k3, c3))));
            }
            Some(Queue::FollowUpDue { by }) => {
                conditions.push(Box::new(leads::status.eq_any(LeadStatus::AWAITING_CONTACT)));
                // The few follow-ups due lead to their leads by id (the
                // planner, with statistics, looks them up by rowid).
                let due = "leads.id IN (SELECT f.lead_id FROM follow_ups f WHERE f.due_at <= ";
                conditions.push(Box::new(sql::<Bool>(due).bind::<BigInt, _>(by).sql(")")));
            }
            Some(Queue::BuyerReplied) => {
                conditions.push(Box::new(leads::buyer_replied_at.is_not_null()))
            }
            None => {}
        }
        if let Some(ids) = &self.ids {
            conditions.push(Box::new(leads::id.eq_any(ids.clone())));
        }
        match &self.text_match {
            Some(TextMatch::Few(ids)) => {
                conditions.push(Box::new(leads::contact_id.eq_any(ids.clone())))
            }
            Some(TextMatch::Many(search)) => conditions.push(search.matches_lead_contact()),
            None => debug_assert!(self.text.is_none(), "resolve_text first"),
        }
        conditions
    }

    /// The same filter, checked on a lead already read. A broad text search
    /// cannot be checked here (the people are not listed): it never is, since
    /// only a narrow search reads leads to filter them.
    pub fn matches(&self, lead: &FilteredFields, scope: StatusScope) -> bool {
        let status_ok = match self.wanted_status(scope) {
            Some(status) => lead.status == status,
            None => lead.status != LeadStatus::Spam,
        };
        let text_ok = match &self.text_match {
            Some(TextMatch::Few(ids)) => ids.contains(&lead.contact_id),
            Some(TextMatch::Many(_)) | None => true,
        };
        status_ok
            && text_ok
            && self.kind.is_none_or(|k| k == lead.kind)
            && self.report_id.is_none_or(|r| r == lead.report_id)
            && match self.owner {
                Some(OwnerFilter::Unassigned) => lead.assignee_id.is_none(),
                Some(OwnerFilter::User(id)) => lead.assignee_id == Some(id),
                None => true,
            }
            && self.from.is_none_or(|from| lead.created_at >= from)
            && self.to.is_none_or(|to| lead.created_at < to)
            && self.sample.is_none_or(|stage| lead.sample == Some(stage))
            && self.queue.is_none_or(|queue| queue.admits(lead))
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&lead.id))
    }

    /// The ids of every lead the filter lets through, in id order (for bulk
    /// work on a filtered list, and to hold `matches()` to the SQL).
    pub fn ids(&self, conn: &mut DbConnection, scope: StatusScope) -> QueryResult<Vec<i64>> {
        self.conditions(scope)
            .into_iter()
            .fold(leads::table.into_boxed(), |query, condition| {
                query.filter(condition)
            })
            .select(leads::id)
            .order(leads::id)
            .load(conn)
    }

    fn wanted_status(&self, scope: StatusScope) -> Option<LeadStatus> {
        match scope {
            StatusScope::AsFiltered => self.status,
            StatusScope::Only(status) => Some(status),
        }
    }
}
