//! The audit log: every create, replace and delete, with who, when, the
//! state before and after, and why. A bulk import is one entry (who, why,
//! how many); the history of an observation it wrote is rebuilt from the
//! observation's versions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;
use utoipa::ToSchema;

use super::Page;

/// Who makes a change, and why.
#[derive(Debug, Clone)]
pub struct Change {
    /// The API key's name.
    pub key_name: String,
    pub reason: Option<String>,
}

/// One recorded change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The name of the key that made it; `seed` for the migrations. Null
    /// in an observation's `/revisions` unless the caller is an admin (key
    /// names are the audit log's, and it is admin-only); the audit log
    /// always has it.
    pub key_name: Option<String>,
    /// create, replace, delete, or import (one entry per bulk import).
    pub action: String,
    /// observation, recognition, target, region, topic, unit, indicator,
    /// source, or import (then `resource_key` is the import's request id
    /// and `after` its report).
    pub resource: String,
    pub resource_key: String,
    /// The resource's revision after the change (before it, for a delete).
    pub revision: i32,
    /// The stored record before the change; null for a create.
    pub before: Option<Value>,
    /// The stored record after the change; null for a delete.
    pub after: Option<Value>,
    pub reason: Option<String>,
}

/// Appends one entry.
#[expect(clippy::too_many_arguments, reason = "one argument per audited column")]
pub async fn record(
    conn: &mut PgConnection,
    change: &Change,
    action: &str,
    resource: &str,
    resource_key: &str,
    revision: i32,
    before: Option<Value>,
    after: Option<Value>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_log (key_name, action, resource, resource_key, revision, before, after, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        change.key_name,
        action,
        resource,
        resource_key,
        revision,
        before,
        after,
        change.reason,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Filters of `GET /audit`; `None` does not filter.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub key_name: Option<String>,
    pub resource: Option<String>,
    pub resource_key: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Entries in time order, and how many match.
#[tracing::instrument(skip(db))]
pub async fn list_entries(
    db: &mut PgConnection,
    filter: &AuditFilter,
    page: Page,
) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from audit_log
           where ($1::text is null or key_name = $1) and ($2::text is null or resource = $2)
             and ($3::text is null or resource_key = $3)
             and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)"#,
        filter.key_name,
        filter.resource,
        filter.resource_key,
        filter.since,
        filter.until,
    )
    .fetch_one(&mut *db)
    .await?;
    let entries = sqlx::query_as!(
        AuditEntry,
        r#"select id, at, key_name as "key_name?", action, resource, resource_key, revision, before, after, reason
           from audit_log
           where ($1::text is null or key_name = $1) and ($2::text is null or resource = $2)
             and ($3::text is null or resource_key = $3)
             and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)
           order by at, id
           limit $6 offset $7"#,
        filter.key_name,
        filter.resource,
        filter.resource_key,
        filter.since,
        filter.until,
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((entries, total))
}

/// Every change to one observation, oldest first, and how many there are:
/// its own entries and, for each import that wrote a version of it, one
/// rebuilt from that version and the one before.
#[tracing::instrument(skip(db))]
pub async fn list_observation_revisions(
    db: &mut PgConnection,
    id: i64,
    page: Page,
) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from observation_revisions($1)"#,
        id
    )
    .fetch_one(&mut *db)
    .await?;
    let entries = sqlx::query_as!(
        AuditEntry,
        r#"select id as "id!", at as "at!", key_name as "key_name!", action as "action!",
                  resource as "resource!", resource_key as "resource_key!", revision as "revision!",
                  before, after, reason
           from observation_revisions($1)
           order by at, id
           limit $2 offset $3"#,
        id,
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((entries, total))
}
