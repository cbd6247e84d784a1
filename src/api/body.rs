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
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Error::UnsupportedMediaType(
                "send the body as JSON, with `Content-Type: application/json`".to_owned(),
            )),
            Err(JsonRejection::JsonSyntaxError(error)) => Err(Error::MalformedBody(format!(
                "the body is not valid JSON: {}",
                error
                    .body_text()
                    .trim_start_matches("Failed to parse the request body as JSON: ")
            ))),
            Err(JsonRejection::JsonDataError(error)) => {
                let text = error.body_text();
                let text = text.trim_start_matches(
                    "Failed to deserialize the JSON body into the target type: ",
                );
                let (field, message) = match text.split_once(": ") {
                    Some((path, message)) if !path.contains(' ') => {
                        (path.to_owned(), message.to_owned())
                    }
                    _ => ("body".to_owned(), text.to_owned()),
                };
                Err(Error::Validation(vec![FieldError::new(field, message)]))
            }
            Err(JsonRejection::BytesRejection(error))
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(Error::PayloadTooLarge(
                    "the body is larger than this server accepts (MAX_BODY_BYTES)".to_owned(),
                ))
            }
            Err(other) => Err(Error::MalformedBody(other.body_text())),
        }
    }
}

/// The revision a replace or delete expects, from `If-Match`: the ETag of
/// the resource as last read (`"observation-12-r3"`), or `*`. Read as an
/// extractor but checked by the handler with [`IfMatch::expected`], after
/// the path and the body, so a bad id or body is reported first.
#[derive(Debug)]
pub struct IfMatch(Result<Expected>);

impl IfMatch {
    pub fn expected(self) -> Result<Expected> {
        self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(IfMatch(expected(parts)))
    }
}

fn expected(parts: &Parts) -> Result<Expected> {
    let text = parts
        .headers
        .get(header::IF_MATCH)
        .map(|value| value.to_str().unwrap_or_default().trim())
        .unwrap_or_default();
    if text.is_empty() {
        return Err(Error::PreconditionRequired(
            "send `If-Match` with the ETag of the resource as you last read it, so no one's change is lost".to_owned(),
        ));
    }
    if text == "*" {
        return Ok(Expected::Any);
    }
    revision_of(text).map(Expected::Revision).ok_or_else(|| {
        Error::PreconditionFailed(format!(
            "`If-Match: {text}` is not an ETag this server gave; GET the resource for its current one"
        ))
    })
}

/// The revision in a resource ETag such as `"observation-12-r3"` or
/// `W/"observation-12-r3-gzip"`.
fn revision_of(tag: &str) -> Option<i32> {
    let opaque = tag.trim_start_matches("W/").trim_matches('"');
    let opaque = opaque
        .split_once("-gzip")
        .or_else(|| opaque.split_once("-br"))
        .map_or(opaque, |(base, _)| base);
    opaque.rsplit_once("-r")?.1.parse().ok()
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
    fn the_revision_is_read_from_any_coding_of_the_tag() {
        assert_eq!(revision_of("\"observation-12-r3\""), Some(3));
        assert_eq!(revision_of("W/\"observation-12-r3-gzip\""), Some(3));
        assert_eq!(revision_of("\"region-371502-tangyi-r10\""), Some(10));
        assert_eq!(revision_of("\"v7-0123\""), None);
    }
}
