//! API keys, as stored: a name, a role and the hash of the secret.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::auth::{NewKey, Role};

/// A key as listed: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRecord {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A live key, for checking a presented one.
pub struct StoredKey {
    pub name: String,
    pub role: String,
    pub secret_sha256: Vec<u8>,
}

#[tracing::instrument(skip(db, key))]
pub async fn create_key(db: &PgPool, name: &str, role: Role, key: &NewKey) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into api_keys (id, name, role, secret_sha256) values ($1, $2, $3, $4)",
        key.id,
        name,
        role.as_str(),
        key.secret_sha256,
    )
    .execute(db)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn list_keys(db: &PgPool) -> sqlx::Result<Vec<KeyRecord>> {
    sqlx::query_as!(
        KeyRecord,
        "select id, name, role, created_at, revoked_at from api_keys order by created_at, name"
    )
    .fetch_all(db)
    .await
}

/// Revokes the live key of that name; false when there is none.
#[tracing::instrument(skip(db))]
pub async fn revoke_key(db: &PgPool, name: &str) -> sqlx::Result<bool> {
    let revoked = sqlx::query!(
        "update api_keys set revoked_at = now() where name = $1 and revoked_at is null",
        name
    )
    .execute(db)
    .await?;
    Ok(revoked.rows_affected() == 1)
}

/// The live (unrevoked) key with this id.
#[tracing::instrument(skip(db))]
pub async fn find_live_key(
    db: impl sqlx::PgExecutor<'_>,
    id: &str,
) -> sqlx::Result<Option<StoredKey>> {
    sqlx::query_as!(
        StoredKey,
        "select name, role, secret_sha256 from api_keys where id = $1 and revoked_at is null",
        id
    )
    .fetch_optional(db)
    .await
}
