//! Extractors whose rejections are problem+json naming the parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::store::snapshot::Snapshot;
use crate::{AppState, Error};

/// Like `axum::extract::Query`, but a bad, repeated or unknown parameter
/// becomes a 400 problem that names it and says what would be accepted.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Parses a query string into `T`, explaining the first problem.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, Error> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        query_error(&path, &error.into_inner().to_string())
    })
}

/// Turns serde's wording into the API's: serde speaks of fields, clients
/// send parameters.
fn query_error(path: &str, message: &str) -> Error {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, accepted) = rest.split_once('`').unwrap_or((rest, ""));
        let accepted = accepted
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .trim_start_matches(", there are no fields");
        let message = if accepted.is_empty() {
            "unknown parameter: this endpoint takes no query parameters".to_owned()
        } else {
            format!("unknown parameter; this endpoint accepts {accepted}")
        };
        return Error::invalid_parameter(name, message);
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return Error::invalid_parameter(
            name,
            "given more than once; give it once (lists are comma-separated)",
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return Error::invalid_parameter(name, "is required");
    }
    if path.is_empty() || path == "." {
        return Error::InvalidQuery(format!("the query string cannot be read: {message}"));
    }
    Error::invalid_parameter(path, message)
}

/// The request's snapshot (see [`Snapshot`]): the one the caching layer
/// began for a GET, or a new one where no layer began it.
impl FromRequestParts<AppState> for Snapshot {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Snapshot>()
            .cloned()
            .unwrap_or_else(|| state.readers.snapshot()))
    }
}
