//! `webhook_endpoints`: where the CRM wants lead events posted. The only
//! writer of the table.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::webhook_endpoints;
use crate::domain::webhook::{WebhookEvent, WebhookFormat};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: String,
    pub format: String,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What an admin sets on an endpoint.
#[derive(Debug, Clone)]
pub struct EndpointFields {
    pub url: String,
    pub description: String,
    pub events: Vec<WebhookEvent>,
    pub format: WebhookFormat,
    pub enabled: bool,
}

impl WebhookEndpoint {
    pub fn events(&self) -> Vec<WebhookEvent> {
        WebhookEvent::split(&self.events)
    }

    pub fn format(&self) -> WebhookFormat {
        WebhookFormat::from_db(&self.format).unwrap_or(WebhookFormat::Standard)
    }

    pub fn wants(&self, event: WebhookEvent) -> bool {
        self.enabled && self.events().contains(&event)
    }

    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        webhook_endpoints::table
            .order(webhook_endpoints::id)
            .select(Self::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Self>> {
        webhook_endpoints::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// The enabled endpoints that asked for `event` (the table holds a
    /// handful of rows: read whole, filtered here).
    pub fn wanting(conn: &mut DbConnection, event: WebhookEvent) -> QueryResult<Vec<Self>> {
        Ok(webhook_endpoints::table
            .filter(webhook_endpoints::enabled.eq(true))
            .select(Self::as_select())
            .load(conn)?
            .into_iter()
            .filter(|endpoint| endpoint.wants(event))
            .collect())
    }
}

pub fn insert(
    conn: &mut DbConnection,
    fields: &EndpointFields,
    secret: &str,
    now: i64,
) -> QueryResult<i64> {
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::url.eq(&fields.url),
            webhook_endpoints::description.eq(&fields.description),
            webhook_endpoints::events.eq(WebhookEvent::join(&fields.events)),
            webhook_endpoints::format.eq(fields.format.as_db()),
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::enabled.eq(fields.enabled),
            webhook_endpoints::created_at.eq(now),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    // The secret is 256 random bits: it finds the row just written on both
    // backends (SQLite's diesel has no RETURNING).
    webhook_endpoints::table
        .filter(webhook_endpoints::secret.eq(secret))
        .select(webhook_endpoints::id)
        .first(conn)
}

/// Saves an admin's changes; enabling an endpoint clears why it was off.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    fields: &EndpointFields,
    now: i64,
) -> QueryResult<bool> {
    let changed = diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::url.eq(&fields.url),
            webhook_endpoints::description.eq(&fields.description),
            webhook_endpoints::events.eq(WebhookEvent::join(&fields.events)),
            webhook_endpoints::format.eq(fields.format.as_db()),
            webhook_endpoints::enabled.eq(fields.enabled),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    if fields.enabled {
        diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::disabled_reason.eq(None::<String>),
                webhook_endpoints::failing_since.eq(None::<i64>),
            ))
            .execute(conn)?;
    }
    Ok(changed > 0)
}

pub fn set_secret(conn: &mut DbConnection, id: i64, secret: &str, now: i64) -> QueryResult<bool> {
    let changed = diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? > 0)
}

/// A delivery got a 2xx: the endpoint's run of failures ends.
pub fn record_success(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .filter(webhook_endpoints::failing_since.is_not_null())
        .set(webhook_endpoints::failing_since.eq(None::<i64>))
        .execute(conn)?;
    Ok(())
}

/// A delivery failed; answers since when the endpoint has been failing.
pub fn record_failure(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<i64> {
    diesel::update(webhook_endpoints::table.find(id))
        .filter(webhook_endpoints::failing_since.is_null())
        .set(webhook_endpoints::failing_since.eq(now))
        .execute(conn)?;
    Ok(webhook_endpoints::table
        .find(id)
        .select(webhook_endpoints::failing_since)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten()
        .unwrap_or(now))
}

/// Switches an enabled endpoint off, saying why; `false` when it was already
/// off (another instance got there first), so only one mail is sent.
pub fn switch_off(conn: &mut DbConnection, id: i64, reason: &str, now: i64) -> QueryResult<bool> {
    let changed = diesel::update(webhook_endpoints::table.find(id))
        .filter(webhook_endpoints::enabled.eq(true))
        .set((
            webhook_endpoints::enabled.eq(false),
            webhook_endpoints::disabled_reason.eq(reason),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}
