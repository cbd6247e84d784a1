//! The admin writes shared by regions, topics, units, indicators and
//! sources: each resource's handlers document themselves and call these,
//! so the checks and their order (path, body, `If-Match`, then the write
//! under the writers' lock) are written once.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::future::BoxFuture;
use serde_json::{Map, Value};
use sqlx::PgConnection;

use super::auth::Admin;
use super::body::{self, IfMatch};
use super::params;
use crate::domain::input::{
    CatalogueView, IndicatorInput, RegionInput, SourceInput, TopicInput, UnitInput,
};
use crate::error::FieldError;
use crate::store::audit::Change;
use crate::store::catalogue::{self, CatalogueWrite};
use crate::store::{self, Expected};
use crate::{AppState, Error, Result};

/// A catalogue resource as an admin writes it.
pub trait CatalogueItem: Sized + Send + Sync + 'static {
    /// Its name in ETags, errors and the audit log: `region`.
    const RESOURCE: &'static str;
    /// Its collection in URLs: `regions`.
    const PLURAL: &'static str;
    /// The field that holds its key: `code`, or `id` for sources.
    const KEY_FIELD: &'static str;

    fn key(&self) -> &str;
    fn check(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>>;
    fn insert<'a>(
        conn: &'a mut PgConnection,
        item: &'a Self,
        change: &'a Change,
    ) -> BoxFuture<'a, sqlx::Result<()>>;
    fn replace<'a>(
        conn: &'a mut PgConnection,
        key: &'a str,
        expected: Expected,
        item: &'a Self,
        change: &'a Change,
    ) -> BoxFuture<'a, sqlx::Result<CatalogueWrite>>;
    fn delete<'a>(
        conn: &'a mut PgConnection,
        key: &'a str,
        expected: Expected,
        change: &'a Change,
    ) -> BoxFuture<'a, sqlx::Result<CatalogueWrite>>;
}

macro_rules! catalogue_item {
    ($input:ty, $resource:literal, $plural:literal, $key:ident, $insert:path, $replace:path, $delete:path,
     |$item:ident, $catalogue:ident| $check:expr) => {
        impl CatalogueItem for $input {
            const RESOURCE: &'static str = $resource;
            const PLURAL: &'static str = $plural;
            const KEY_FIELD: &'static str = stringify!($key);

            fn key(&self) -> &str {
                &self.$key
            }

            fn check(self, $catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
                let $item = self;
                $check
            }

            fn insert<'a>(
                conn: &'a mut PgConnection,
                item: &'a Self,
                change: &'a Change,
            ) -> BoxFuture<'a, sqlx::Result<()>> {
                Box::pin($insert(conn, item, change))
            }

            fn replace<'a>(
                conn: &'a mut PgConnection,
                key: &'a str,
                expected: Expected,
                item: &'a Self,
                change: &'a Change,
            ) -> BoxFuture<'a, sqlx::Result<CatalogueWrite>> {
                Box::pin($replace(conn, key, expected, item, change))
            }

            fn delete<'a>(
                conn: &'a mut PgConnection,
                key: &'a str,
                expected: Expected,
                change: &'a Change,
            ) -> BoxFuture<'a, sqlx::Result<CatalogueWrite>> {
                Box::pin($delete(conn, key, expected, change))
            }
        }
    };
}

catalogue_item!(
    RegionInput,
    "region",
    "regions",
    code,
    catalogue::insert_region,
    catalogue::replace_region,
    catalogue::delete_region,
    |item, catalogue| item.validate(catalogue)
);
catalogue_item!(
    TopicInput,
    "topic",
    "topics",
    code,
    catalogue::insert_topic,
    catalogue::replace_topic,
    catalogue::delete_topic,
    |item, _catalogue| item.validate()
);
catalogue_item!(
    UnitInput,
    "unit",
    "units",
    code,
    catalogue::insert_unit,
    catalogue::replace_unit,
    catalogue::delete_unit,
    |item, catalogue| item.validate(catalogue)
);
catalogue_item!(
    IndicatorInput,
    "indicator",
    "indicators",
    code,
    catalogue::insert_indicator,
    catalogue::replace_indicator,
    catalogue::delete_indicator,
    |item, catalogue| item.validate(catalogue)
);
catalogue_item!(
    SourceInput,
    "source",
    "sources",
    id,
    catalogue::insert_source,
    catalogue::replace_source,
    catalogue::delete_source,
    |item, _catalogue| item.validate()
);

/// `{"<key field>": key, "revision": n}` with the resource's `ETag`.
fn written<I: CatalogueItem>(status: StatusCode, key: &str, revision: i32) -> Result<Response> {
    let mut answer = Map::new();
    answer.insert(I::KEY_FIELD.to_owned(), Value::from(key));
    answer.insert("revision".to_owned(), Value::from(revision));
    body::tagged_json(status, &Value::Object(answer), I::RESOURCE, key, revision)
}

/// Stores a new item.
pub async fn create<I: CatalogueItem>(
    state: &AppState,
    admin: Admin,
    reason: Option<String>,
    input: I,
) -> Result<Response> {
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.check(&catalogue).map_err(Error::Validation)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    I::insert(&mut tx, &valid, &change).await?;
    tx.commit().await?;
    let mut response = written::<I>(StatusCode::CREATED, valid.key(), 1)?;
    let location = format!("/api/v1/{}/{}", I::PLURAL, valid.key());
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|error| Error::Internal(error.into()))?,
    );
    Ok(response)
}

/// Replaces the item at `key`, if `If-Match` names its current revision.
pub async fn replace<I: CatalogueItem>(
    state: &AppState,
    admin: Admin,
    key: String,
    if_match: IfMatch,
    reason: Option<String>,
    input: I,
) -> Result<Response> {
    let key = params::path_code(I::RESOURCE, key)?;
    body::same_key(I::KEY_FIELD, input.key(), &key)?;
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.check(&catalogue).map_err(Error::Validation)?;
    let expected = if_match.expected_for(I::RESOURCE, &key)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = I::replace(&mut tx, &key, expected, &valid, &change).await?;
    let revision = body::check_catalogue_write(outcome, I::RESOURCE, &key)?;
    tx.commit().await?;
    written::<I>(StatusCode::OK, &key, revision)
}

/// Deletes the item at `key` (a tombstone), if `If-Match` names its current
/// revision and no live record depends on it.
pub async fn delete<I: CatalogueItem>(
    state: &AppState,
    admin: Admin,
    key: String,
    if_match: IfMatch,
    reason: Option<String>,
) -> Result<StatusCode> {
    let key = params::path_code(I::RESOURCE, key)?;
    let expected = if_match.expected_for(I::RESOURCE, &key)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = I::delete(&mut tx, &key, expected, &change).await?;
    body::check_catalogue_write(outcome, I::RESOURCE, &key)?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A live item's revision, for its `ETag` (and so `If-Match` on a later
/// write).
pub async fn revision<I: CatalogueItem>(db: impl sqlx::PgExecutor<'_>, key: &str) -> Result<i32> {
    store::catalogue::revision(db, I::RESOURCE, key)
        .await?
        .ok_or_else(|| Error::not_found(I::RESOURCE, key))
}
