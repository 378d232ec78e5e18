//! `mail_templates`: one per request kind. The only writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::mail_templates;
use crate::domain::lead_kind::LeadKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_templates)]
pub struct MailTemplate {
    pub kind: LeadKind,
    pub subject: String,
    pub body: String,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<MailTemplate>> {
    mail_templates::table
        .order(mail_templates::kind)
        .select(MailTemplate::as_select())
        .load(conn)
}

pub fn of_kind(conn: &mut DbConnection, kind: LeadKind) -> QueryResult<Option<MailTemplate>> {
    mail_templates::table
        .find(kind)
        .select(MailTemplate::as_select())
        .first(conn)
        .optional()
}

/// Saves the kind's template (checked by the caller).
pub fn save(
    conn: &mut DbConnection,
    kind: LeadKind,
    subject: &str,
    body: &str,
    by: i64,
    now: i64,
) -> QueryResult<()> {
    let changed = diesel::update(mail_templates::table.find(kind))
        .set((
            mail_templates::subject.eq(subject),
            mail_templates::body.eq(body),
            mail_templates::updated_at.eq(now),
            mail_templates::updated_by.eq(Some(by)),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(mail_templates::table)
            .values((
                mail_templates::kind.eq(kind),
                mail_templates::subject.eq(subject),
                mail_templates::body.eq(body),
                mail_templates::updated_at.eq(now),
                mail_templates::updated_by.eq(Some(by)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
