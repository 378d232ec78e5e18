//! Finding people by part of their name, email or company. A trigram index
//! answers "contains" without reading every contact: FTS5's trigram tokenizer
//! on SQLite (`contact_search`), a `pg_trgm` GIN index on PostgreSQL
//! (`contacts_search`, over the expression below). Both come from migration
//! `…000003`.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use crate::db::DbConnection;
use crate::db::like::contains_pattern;

type Backend = <DbConnection as diesel::Connection>::Backend;

/// A filter usable in a boxed query on either backend.
pub type Condition<QS> = Box<dyn BoxableExpression<QS, Backend, SqlType = Bool>>;

/// A trigram index needs at least three letters to look anything up.
const TRIGRAM: usize = 3;

/// The text searched, as PostgreSQL's index covers it; the query repeats it
/// exactly. The line breaks keep a match from running from one field into the
/// next (a field cannot hold one).
const PG_SEARCHED_TEXT: &str =
    "(lower(name) || chr(10) || email_normalized || chr(10) || lower(company))";
/// The same text on SQLite, for checks made contact by contact.
const SQLITE_SEARCHED_TEXT: &str =
    "(lower(name) || char(10) || email_normalized || char(10) || lower(company))";

/// One search, ready to become SQL for the connection's backend.
#[derive(Debug, Clone)]
pub struct ContactSearch {
    backend: Engine,
    /// What staff typed, lower-cased.
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

impl ContactSearch {
    /// `text` is what staff typed, already lower-cased.
    pub fn new(conn: &DbConnection, text: &str) -> Self {
        let backend = match conn {
            DbConnection::Sqlite(_) => Engine::Sqlite,
            DbConnection::Postgres(_) => Engine::Postgres,
        };
        Self {
            backend,
            text: text.to_owned(),
        }
    }

    /// Up to `limit` matching contacts, found through the index.
    pub fn first_ids(&self, conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<i64>> {
        let ids: Vec<Id> = match conn {
            DbConnection::Sqlite(c) if self.indexed() => diesel::sql_query(
                "SELECT rowid AS id FROM contact_search WHERE contact_search MATCH ? LIMIT ?",
            )
            .bind::<Text, _>(self.phrase())
            .bind::<BigInt, _>(limit)
            .load(c)?,
            DbConnection::Sqlite(c) => diesel::sql_query(format!(
                "SELECT id FROM contacts WHERE {SQLITE_SEARCHED_TEXT} LIKE ? ESCAPE '\\' LIMIT ?"
            ))
            .bind::<Text, _>(contains_pattern(&self.text))
            .bind::<BigInt, _>(limit)
            .load(c)?,
            // Backslash is PostgreSQL's default LIKE escape.
            DbConnection::Postgres(c) => diesel::sql_query(format!(
                "SELECT id FROM contacts WHERE {PG_SEARCHED_TEXT} LIKE $1 LIMIT $2"
            ))
            .bind::<Text, _>(contains_pattern(&self.text))
            .bind::<BigInt, _>(limit)
            .load(c)?,
        };
        Ok(ids.into_iter().map(|row| row.id).collect())
    }

    /// "The lead's contact matches", for a search matching too many people to
    /// list their ids: the query walks the list's own index in order and
    /// checks each lead until the page is full. On SQLite the check reads the
    /// lead's contact by id (its `lower()` folds ASCII letters only, where the
    /// index folds all); PostgreSQL's planner chooses for itself.
    pub fn matches_lead_contact<QS>(&self) -> Condition<QS> {
        match self.backend {
            Engine::Sqlite => Box::new(
                sql::<Bool>(&format!(
                    "EXISTS (SELECT 1 FROM contacts WHERE contacts.id = leads.contact_id \
                     AND {SQLITE_SEARCHED_TEXT} LIKE "
                ))
                .bind::<Text, _>(contains_pattern(&self.text))
                .sql(" ESCAPE '\\')"),
            ),
            Engine::Postgres => Box::new(
                sql::<Bool>(&format!(
                    "leads.contact_id IN (SELECT id FROM contacts WHERE {PG_SEARCHED_TEXT} LIKE "
                ))
                .bind::<Text, _>(contains_pattern(&self.text))
                .sql(")"),
            ),
        }
    }

    /// Whether SQLite's trigram index can answer this search.
    fn indexed(&self) -> bool {
        self.text.chars().count() >= TRIGRAM
    }

    /// A quoted FTS5 phrase: with trigrams, "contains this text".
    fn phrase(&self) -> String {
        format!("\"{}\"", self.text.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_postgres_query_repeats_the_indexed_expression() {
        let migration =
            include_str!("../../../migrations/postgres/2026-11-25-000003_search_and_queue/up.sql");
        assert!(migration.contains(super::PG_SEARCHED_TEXT));
    }
}
