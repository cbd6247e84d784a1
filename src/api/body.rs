//! Request bodies and preconditions: JSON whose every failure is a
//! problem naming what is wrong, and `If-Match`.
//!
//! JSON is read strictly, because a figure that was guessed at is worse
//! than one refused: only `application/json` in UTF-8, each key once, no
//! control characters in text (line breaks only in the fields
//! [`MULTI_LINE_FIELDS`] names), numbers as JSON numbers kept exactly (see
//! [`crate::domain::number`]).

use std::cell::RefCell;
use std::fmt;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::domain::input::MULTI_LINE_FIELDS;
use crate::error::FieldError;
use crate::store::Expected;
use crate::{Error, Result};

/// Like `axum::Json`, but strict: a media type other than
/// `application/json` (or a charset other than UTF-8) is 415, a body over
/// the limit 413, broken JSON 400 with its line and column, and JSON of the
/// wrong shape, a key given twice or text with a control character 422
/// naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self> {
        json_content_type(request.headers())?;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::PayloadTooLarge(
                        "the body is larger than this server accepts (MAX_BODY_BYTES)".to_owned(),
                    )
                } else {
                    Error::MalformedBody(rejection.body_text())
                }
            })?;
        let value = match strict_json(&bytes) {
            Ok(value) => value,
            Err(StrictJsonError::Syntax(error)) => {
                return Err(Error::MalformedBody(format!(
                    "the body is not valid JSON: {error}"
                )));
            }
            Err(StrictJsonError::Duplicates(errors)) => return Err(Error::Validation(errors)),
        };
        from_json_value(value)
            .map(ApiJson)
            .map_err(Error::Validation)
    }
}

/// Only `application/json` is JSON here, and JSON is UTF-8 (RFC 8259):
/// `application/merge-patch+json` and the like mean something else, and a
/// `charset` other than UTF-8 would be misread.
fn json_content_type(headers: &HeaderMap) -> Result<()> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let Some(sent) = sent else {
        return Err(Error::UnsupportedMediaType(
            "send the body as JSON, with `Content-Type: application/json`".to_owned(),
        ));
    };
    let media = sent.parse::<mime::Mime>().ok();
    if media
        .as_ref()
        .is_none_or(|media| media.essence_str() != "application/json")
    {
        return Err(Error::UnsupportedMediaType(format!(
            "send the body as JSON, with `Content-Type: application/json` (not `{sent}`)"
        )));
    }
    utf8_only(&sent)
}

/// Every body this API reads is UTF-8 (JSON by RFC 8259, CSV and NDJSON by
/// choice): a `Content-Type` naming another `charset` is 415, not misread.
pub fn utf8_only(content_type: &str) -> Result<()> {
    let charset = content_type.parse::<mime::Mime>().ok().and_then(|media| {
        media
            .get_param(mime::CHARSET)
            .map(|charset| charset.as_str().trim_matches('"').to_owned())
    });
    match charset {
        Some(charset) if !charset.eq_ignore_ascii_case("utf-8") => {
            Err(Error::UnsupportedMediaType(format!(
                "a body is read as UTF-8: send no charset or `charset=utf-8`, not `charset={charset}`"
            )))
        }
        _ => Ok(()),
    }
}

/// Why a body is not strict JSON.
#[derive(Debug)]
pub enum StrictJsonError {
    /// Not JSON at all (400): serde's message, with line and column.
    Syntax(serde_json::Error),
    /// JSON, but a key appears twice in one object (422), each named.
    Duplicates(Vec<FieldError>),
}

/// Parses JSON text, refusing an object that gives a key twice (which
/// `serde_json` would resolve silently: the last one wins).
pub fn strict_json(bytes: &[u8]) -> std::result::Result<Value, StrictJsonError> {
    let duplicates = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue {
        path: String::new(),
        duplicates: &duplicates,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value))
    .map_err(StrictJsonError::Syntax)?;
    let duplicates = duplicates.into_inner();
    if duplicates.is_empty() {
        Ok(value)
    } else {
        Err(StrictJsonError::Duplicates(
            duplicates
                .into_iter()
                .map(|path| FieldError::new(path, "is given more than once; give each key once"))
                .collect(),
        ))
    }
}

/// The key under which `serde_json` (with `arbitrary_precision`) hands a
/// number to a visitor, so that its digits survive.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Builds a [`Value`] as `serde_json` does, noting the path of every key
/// that an object repeats.
struct StrictValue<'a> {
    path: String,
    duplicates: &'a RefCell<Vec<String>>,
}

impl StrictValue<'_> {
    fn child(&self, path: String) -> Self {
        StrictValue {
            path,
            duplicates: self.duplicates,
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> std::result::Result<Value, E> {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number must be finite"))
    }

    fn visit_str<E>(self, value: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> std::result::Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) =
            seq.next_element_seed(self.child(format!("{}[{}]", self.path, items.len())))?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN && object.is_empty() {
                let digits: String = map.next_value()?;
                return digits
                    .parse::<serde_json::Number>()
                    .map(Value::Number)
                    .map_err(serde::de::Error::custom);
            }
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            let value = map.next_value_seed(self.child(path.clone()))?;
            if object.contains_key(&key) {
                self.duplicates.borrow_mut().push(path);
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// Reads a JSON value as `T`, naming the field of every problem with text
/// and otherwise of the first. Text may hold no control character (no NUL,
/// which Postgres cannot store, no ESC or BEL); tabs and line breaks only
/// in [`MULTI_LINE_FIELDS`].
pub fn from_json_value<T: DeserializeOwned>(
    value: serde_json::Value,
) -> std::result::Result<T, Vec<FieldError>> {
    let mut controls = Vec::new();
    control_characters(&value, "", &mut controls);
    if !controls.is_empty() {
        return Err(controls);
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        // A number travels inside serde_json as a map with one private
        // key; a client never wrote it, so it is no part of the name.
        let path = error
            .path()
            .to_string()
            .replace(&format!(".{NUMBER_TOKEN}"), "")
            .replace(NUMBER_TOKEN, "");
        let field = if path.is_empty() || path == "." {
            "body".to_owned()
        } else {
            path
        };
        vec![FieldError::new(field, error.into_inner().to_string())]
    })
}

/// Lists each place in `value` where text holds a control character it may
/// not: any at all in a key or one-line text; one other than a tab or a
/// line break in multi-line text.
fn control_characters(value: &Value, path: &str, found: &mut Vec<FieldError>) {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) => {
            let multi_line = MULTI_LINE_FIELDS
                .iter()
                .any(|field| path == *field || path.ends_with(&format!(".{field}")));
            let forbidden = text
                .chars()
                .find(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\n' | '\r')));
            if let Some(c) = forbidden {
                let field = if path.is_empty() { "body" } else { path };
                let allowed = if multi_line {
                    "only tabs and line breaks are allowed here"
                } else {
                    "only `excerpt` and `full_text` may hold tabs and line breaks"
                };
                found.push(FieldError::new(
                    field,
                    format!(
                        "must not contain control characters, and holds U+{:04X}; {allowed}",
                        u32::from(c)
                    ),
                ));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(object) => {
            for (key, item) in object {
                if key.chars().any(char::is_control) {
                    found.push(FieldError::new(
                        at("(a key)"),
                        "must not contain control characters",
                    ));
                } else {
                    control_characters(item, &at(key), found);
                }
            }
        }
        _ => {}
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

/// The revision in a strong tag such as `"observation-12-r3-<hash>"` (or
/// its `-gzip`/`-br` coding, or the older `"observation-12-r3"`), when the
/// tag starts with `prefix`. Only the revision is read: see [`tagged_json`].
fn revision_in(tag: &str, prefix: &str) -> Option<i32> {
    if tag.starts_with("W/") {
        return None;
    }
    tag.trim_matches('"')
        .strip_prefix(prefix)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// A JSON answer about one resource, with its `ETag`:
/// `"<resource>-<key>-r<revision>-<hash>"`.
///
/// The hash (xxh3, 64 bits) is of the body's bytes as sent, so the tag
/// changes whenever anything in the representation does: the resource's
/// own revision, a name joined into it (an observation's region or unit,
/// a region's parent), `lang` or `fields`. `If-Match` on a write reads the
/// revision only ([`IfMatch::expected_for`]), because a write replaces the
/// resource's own fields: renaming its region does not make a client's
/// edit of a figure stale.
pub fn tagged_json(
    status: StatusCode,
    body: &impl Serialize,
    resource: &str,
    key: &str,
    revision: i32,
) -> Result<Response> {
    // Through a `Value`, as `Output::object` shapes it, so that a write's
    // answer and a GET of the same resource carry the same bytes and tag.
    let value = serde_json::to_value(body).map_err(anyhow::Error::from)?;
    let bytes = serde_json::to_vec(&value).map_err(anyhow::Error::from)?;
    let etag = format!(
        "\"{resource}-{key}-r{revision}-{:016x}\"",
        xxhash_rust::xxh3::xxh3_64(&bytes)
    );
    let response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response();
    with_etag(response, &etag)
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
fn with_etag(mut response: Response, etag: &str) -> Result<Response> {
    let value = HeaderValue::from_str(etag).map_err(|error| Error::Internal(error.into()))?;
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
            revision_in("\"observation-12-r3-00ff00ff00ff00ff\"", "observation-12-r"),
            Some(3)
        );
        assert_eq!(
            revision_in(
                "\"observation-12-r3-00ff00ff00ff00ff-br\"",
                "observation-12-r"
            ),
            Some(3)
        );
        assert_eq!(
            revision_in("\"region-371502-tangyi-r2-00ff\"", "region-371502-r"),
            None
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
