//! Request bodies and preconditions: JSON whose every failure is a
//! problem naming what is wrong, and `If-Match`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::FieldError;
use crate::store::Expected;
use crate::{Error, Result};

/// Like `axum::Json`: a wrong content type is 415, a body over the limit
/// 413, broken JSON 400 with its line and column, and JSON of the wrong
/// shape 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self> {
        let value = match Json::<serde_json::Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(Error::UnsupportedMediaType(
                    "send the body as JSON, with `Content-Type: application/json`".to_owned(),
                ));
            }
            Err(JsonRejection::JsonSyntaxError(error)) => {
                return Err(Error::MalformedBody(format!(
                    "the body is not valid JSON: {}",
                    error
                        .body_text()
                        .trim_start_matches("Failed to parse the request body as JSON: ")
                )));
            }
            Err(JsonRejection::BytesRejection(error))
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                return Err(Error::PayloadTooLarge(
                    "the body is larger than this server accepts (MAX_BODY_BYTES)".to_owned(),
                ));
            }
            Err(other) => return Err(Error::MalformedBody(other.body_text())),
        };
        from_json_value(value)
            .map(ApiJson)
            .map_err(Error::Validation)
    }
}

/// Reads a JSON value as `T`, naming the field of the first problem.
/// Text may not hold a NUL character, which Postgres cannot store.
pub fn from_json_value<T: DeserializeOwned>(
    value: serde_json::Value,
) -> std::result::Result<T, Vec<FieldError>> {
    if let Some(path) = nul_path(&value, String::new()) {
        return Err(vec![FieldError::new(
            path,
            "must not contain a NUL character (\\u0000)",
        )]);
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path.is_empty() || path == "." {
            "body".to_owned()
        } else {
            path
        };
        vec![FieldError::new(field, error.into_inner().to_string())]
    })
}

/// Where in `value` a string holds a NUL, if anywhere.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) => text.contains('\0').then(|| {
            if path.is_empty() {
                "body".to_owned()
            } else {
                path.clone()
            }
        }),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(object) => object.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(at("(a key)"))
            } else {
                nul_path(item, at(key))
            }
        }),
        _ => None,
    }
}

/// The revision a replace or delete expects, from `If-Match`: the ETag of
/// the resource as last read (`"observation-12-r3"`), or `*`. Read as an
/// extractor but checked by the handler with [`IfMatch::expected`], after
/// the path and the body, so a bad id or body is reported first.
#[derive(Debug)]
pub struct IfMatch(Result<IfMatchHeader>);

impl IfMatch {
    /// The revision of `resource` `key` that the client read. A tag of
    /// another resource, or a weak one, matches nothing (412).
    pub fn expected_for(self, resource: &str, key: &str) -> Result<Expected> {
        match self.0? {
            IfMatchHeader::Any => Ok(Expected::Any),
            IfMatchHeader::Tags(tags) => {
                let prefix = format!("{resource}-{key}-r");
                tags.iter()
                    .find_map(|tag| revision_in(tag, &prefix))
                    .map(Expected::Revision)
                    .ok_or_else(|| {
                        Error::PreconditionFailed(format!(
                            "`If-Match: {}` names no revision of {resource} `{key}`; GET it for its current ETag",
                            tags.join(", ")
                        ))
                    })
            }
        }
    }
}

/// `If-Match` as sent: `*`, or a list of entity tags.
#[derive(Debug)]
enum IfMatchHeader {
    Any,
    Tags(Vec<String>),
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(IfMatch(expected(parts)))
    }
}

fn expected(parts: &Parts) -> Result<IfMatchHeader> {
    let text = parts
        .headers
        .get_all(header::IF_MATCH)
        .iter()
        .map(|value| value.to_str().unwrap_or("\u{fffd}").trim().to_owned())
        .filter(|value| !value.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if text.is_empty() {
        return Err(Error::PreconditionRequired(
            "send `If-Match` with the ETag of the resource as you last read it, so no one's change is lost".to_owned(),
        ));
    }
    if text == "*" {
        return Ok(IfMatchHeader::Any);
    }
    Ok(IfMatchHeader::Tags(
        text.split(',').map(|tag| tag.trim().to_owned()).collect(),
    ))
}

/// The revision in a strong tag such as `"observation-12-r3"` (or its
/// `-gzip`/`-br` coding), when the tag starts with `prefix`.
fn revision_in(tag: &str, prefix: &str) -> Option<i32> {
    if tag.starts_with("W/") {
        return None;
    }
    let opaque = tag.trim_matches('"');
    let opaque = opaque
        .strip_suffix("-gzip")
        .or_else(|| opaque.strip_suffix("-br"))
        .unwrap_or(opaque);
    opaque.strip_prefix(prefix)?.parse().ok()
}

/// The ETag of a resource at a revision.
pub fn resource_etag(resource: &str, key: &str, revision: i32) -> String {
    format!("\"{resource}-{key}-r{revision}\"")
}

/// The optional `X-Change-Reason` header, recorded in the audit log.
pub struct ChangeReason(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ChangeReason {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let Some(value) = parts.headers.get("x-change-reason") else {
            return Ok(ChangeReason(None));
        };
        let reason = value.to_str().map_err(|_| Error::InvalidParameter {
            name: "X-Change-Reason".to_owned(),
            message: "must be visible ASCII; percent-encode other text".to_owned(),
        })?;
        let reason = percent_decode(reason);
        if reason.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid_parameter(
                "X-Change-Reason",
                "must not contain control characters",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(Error::invalid_parameter(
                "X-Change-Reason",
                "must be at most 500 characters",
            ));
        }
        Ok(ChangeReason((!reason.trim().is_empty()).then_some(reason)))
    }
}

/// Headers carry ASCII; a reason in Chinese arrives percent-encoded.
fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("r={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Turns what a conditional write found into the answer for the client.
pub fn check_written(outcome: crate::store::Written, resource: &str, key: &str) -> Result<i32> {
    match outcome {
        crate::store::Written::Done { revision } => Ok(revision),
        crate::store::Written::Missing => Err(Error::not_found(resource_name(resource), key)),
        crate::store::Written::Stale { current } => Err(Error::PreconditionFailed(format!(
            "{resource} `{key}` has changed (it is at revision {current}); GET it again, reapply your change and send its new ETag"
        ))),
    }
}

fn resource_name(resource: &str) -> &'static str {
    match resource {
        "observation" => "observation",
        "recognition" => "recognition",
        "target" => "target",
        "region" => "region",
        "topic" => "topic",
        "unit" => "unit",
        "indicator" => "indicator",
        _ => "source",
    }
}

/// A numeric id from the path; anything else names nothing (404).
pub fn parse_id(resource: &'static str, raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::not_found(resource, raw))
}

/// Turns what a catalogue write found into the answer for the client.
pub fn check_catalogue_write(
    outcome: crate::store::catalogue::CatalogueWrite,
    resource: &str,
    key: &str,
) -> Result<i32> {
    use crate::store::catalogue::CatalogueWrite;
    match outcome {
        CatalogueWrite::Done { revision } => Ok(revision),
        CatalogueWrite::Missing => check_written(crate::store::Written::Missing, resource, key),
        CatalogueWrite::Stale { current } => {
            check_written(crate::store::Written::Stale { current }, resource, key)
        }
        CatalogueWrite::InUse(uses) => Err(Error::Conflict(format!(
            "{resource} `{key}` cannot be changed so: {uses}"
        ))),
    }
}

/// Sets the response's `ETag`.
pub fn with_etag(
    mut response: axum::response::Response,
    etag: &str,
) -> Result<axum::response::Response> {
    let value =
        axum::http::HeaderValue::from_str(etag).map_err(|error| Error::Internal(error.into()))?;
    response.headers_mut().insert(header::ETAG, value);
    Ok(response)
}

/// The key in a replacement body must be the one in the path.
pub fn same_key(field: &str, in_body: &str, in_path: &str) -> Result<()> {
    if in_body == in_path {
        Ok(())
    } else {
        Err(Error::Validation(vec![FieldError::new(
            field,
            format!("must equal the `{in_path}` in the path; codes are never renamed"),
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revision_is_read_only_from_a_strong_tag_of_this_resource() {
        assert_eq!(
            revision_in("\"observation-12-r3\"", "observation-12-r"),
            Some(3)
        );
        assert_eq!(
            revision_in("\"observation-12-r3-gzip\"", "observation-12-r"),
            Some(3)
        );
        assert_eq!(
            revision_in("\"region-371502-br-r10\"", "region-371502-br-r"),
            Some(10)
        );
        assert_eq!(
            revision_in("W/\"observation-12-r3\"", "observation-12-r"),
            None
        );
        assert_eq!(
            revision_in("\"observation-13-r3\"", "observation-12-r"),
            None
        );
        assert_eq!(revision_in("\"v7-0123\"", "observation-12-r"), None);
    }
}
