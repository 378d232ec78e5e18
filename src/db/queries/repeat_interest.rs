//! How often a contact, and its company, have asked before.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::contact::Contact;
use crate::db::schema::leads;
use crate::domain::scoring::is_free_mail_domain;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatInterest {
    /// 1 for the contact's first request, 2 for the second…
    pub ordinal: usize,
    /// Other (not erased) contacts with the same company email domain; 0 for
    /// free-mail domains, which say nothing about the company.
    pub same_domain_contacts: i64,
    pub domain: String,
}

/// A lead whose repeat interest is wanted.
pub struct Asked<'a> {
    pub lead_id: i64,
    pub contact_id: i64,
    pub email_domain: &'a str,
}

pub fn repeat_interest(
    conn: &mut DbConnection,
    wanted: &[Asked<'_>],
) -> QueryResult<HashMap<i64, RepeatInterest>> {
    let contact_ids: Vec<i64> = wanted.iter().map(|a| a.contact_id).collect();
    let history: Vec<(i64, i64)> = leads::table
        .filter(leads::contact_id.eq_any(&contact_ids))
        .order((leads::created_at.asc(), leads::id.asc()))
        .select((leads::contact_id, leads::id))
        .load(conn)?;
    let mut domain_counts: HashMap<&str, i64> = HashMap::new();
    for asked in wanted {
        let domain = asked.email_domain;
        if domain.is_empty() || is_free_mail_domain(domain) || domain_counts.contains_key(domain) {
            continue;
        }
        domain_counts.insert(domain, Contact::count_with_domain(conn, domain)?);
    }
    Ok(wanted
        .iter()
        .map(|asked| {
            let ordinal = history
                .iter()
                .filter(|(c, _)| *c == asked.contact_id)
                .position(|(_, id)| *id == asked.lead_id)
                .map_or(1, |p| p + 1);
            let same_domain_contacts = domain_counts
                .get(asked.email_domain)
                .map_or(0, |n| (n - 1).max(0));
            (
                asked.lead_id,
                RepeatInterest {
                    ordinal,
                    same_domain_contacts,
                    domain: asked.email_domain.to_owned(),
                },
            )
        })
        .collect())
}
