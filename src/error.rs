//! One error type for the whole service, rendered as RFC 9457
//! `application/problem+json`.
//!
//! Clients see a `detail` they can act on; database and unexpected errors are
//! logged here, once, and reach the client as an opaque 500.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A resource named in the path does not exist (404).
    #[error("{resource} `{key}` does not exist")]
    NotFound { resource: &'static str, key: String },

    /// A parameter names a code that nothing has (404), e.g. `region=999999`.
    /// Well-formed, so not a 400: the thing it names is what is missing.
    #[error("parameter `{name}`: {message}")]
    UnknownCode { name: String, message: String },

    /// No route matches the path (404).
    #[error("no endpoint at `{path}`; the API lives under /api/v1 (see README)")]
    NoRoute { path: String },

    /// A query parameter or path segment is malformed, unknown or
    /// inconsistent (400). `name` is the parameter; `message` says what would
    /// be accepted.
    #[error("parameter `{name}`: {message}")]
    InvalidParameter { name: String, message: String },

    /// The query string itself cannot be read, or names no known parameter (400).
    #[error("{0}")]
    InvalidQuery(String),

    /// No usable credentials (401). `invalid_token` when a key was given
    /// but is malformed, unknown or revoked.
    #[error("{detail}")]
    Unauthorized { detail: String, invalid_token: bool },

    /// The key's role may not do this (403).
    #[error("{0}")]
    Forbidden(String),

    /// The request body breaks one or more rules, all listed (422).
    #[error("the request has {} problem(s); see `errors`", .0.len())]
    Validation(Vec<FieldError>),

    /// The write conflicts with what is stored (409), e.g. a duplicate.
    #[error("{0}")]
    Conflict(String),

    /// A replace or delete without `If-Match` (428).
    #[error("{0}")]
    PreconditionRequired(String),

    /// `If-Match` names a revision that is no longer current (412).
    #[error("{0}")]
    PreconditionFailed(String),

    /// The body is larger than the configured limit (413).
    #[error("{0}")]
    PayloadTooLarge(String),

    /// The body's media type is not one this endpoint reads (415).
    #[error("{0}")]
    UnsupportedMediaType(String),

    /// The body cannot be parsed (400); the message says where.
    #[error("{0}")]
    MalformedBody(String),

    /// Too many writes with this key (429); retry after that many seconds.
    #[error("too many writes with this key; retry after {retry_after} s")]
    TooManyRequests { retry_after: u64 },

    /// The client accepts no representation this endpoint can send (406).
    #[error("{0}")]
    NotAcceptable(String),

    /// The request is well-formed but cannot be answered truthfully, e.g. a
    /// transform the data does not allow (422).
    #[error("{0}")]
    Unprocessable(String),

    /// The request cannot be served now, because a dependency it needs is
    /// down or the server is at its limit (503); retry after that many
    /// seconds.
    #[error("{detail}")]
    Unavailable { detail: String, retry_after: u64 },

    /// The request or one of its database statements ran out of time (504).
    #[error("{0}")]
    Timeout(String),

    /// The request's head (URI and headers) is larger than the limit (431).
    #[error("{0}")]
    HeadersTooLarge(String),

    /// A database failure: logged, never shown to the client (500).
    #[error("database error")]
    Database(sqlx::Error),

    /// Anything else unexpected: logged, never shown to the client (500).
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl FieldError {
    /// A problem with `field`; both are cut with [`bounded`], so a huge
    /// input never comes back whole.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: echo(&field.into()),
            message: bounded(&message.into()),
        }
    }
}

/// The most characters of a client's input that a problem repeats.
pub const ECHO_CHARS: usize = 64;

/// The most characters of a whole `detail` or `message`.
const MESSAGE_CHARS: usize = 2000;

/// `text` cut to [`ECHO_CHARS`], with `…` where it was cut.
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A message with every quoted stretch (between backticks, or double
/// quotes as serde writes them), which is where messages repeat input, cut
/// to [`ECHO_CHARS`] and `…`; and the whole cut to [`MESSAGE_CHARS`] in case
/// the input itself held quotes. So an error about a 20 MB code is short.
pub fn bounded(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MESSAGE_CHARS + 8));
    let mut open: Option<(char, usize)> = None;
    let mut written = 0;
    for c in message.chars() {
        if written > MESSAGE_CHARS {
            out.push('…');
            return out;
        }
        match open {
            Some((delimiter, _)) if c == delimiter => open = None,
            Some((delimiter, count)) => {
                open = Some((delimiter, count + 1));
                if count == ECHO_CHARS {
                    out.push('…');
                    written += 1;
                }
                if count >= ECHO_CHARS {
                    continue;
                }
            }
            None if c == '`' || c == '"' => open = Some((c, 0)),
            None => {}
        }
        out.push(c);
        written += 1;
    }
    out
}

impl Error {
    pub fn invalid_parameter(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name: name.into(),
            message: message.into(),
        }
    }

    pub fn unknown_code(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::UnknownCode {
            name: name.into(),
            message: message.into(),
        }
    }

    /// The database cannot be reached (or is shutting down): 503, briefly.
    pub fn database_unavailable() -> Self {
        Self::Unavailable {
            detail: "the database is not reachable; retry shortly".to_owned(),
            retry_after: 2,
        }
    }

    /// A write that arrives while an import applies its changes: 503, to be
    /// retried once the import has committed.
    pub fn import_applying() -> Self {
        Self::Unavailable {
            detail: "an import is being applied, and writes wait until it commits; retry shortly"
                .to_owned(),
            retry_after: 5,
        }
    }

    pub fn not_found(resource: &'static str, key: impl Into<String>) -> Self {
        Self::NotFound {
            resource,
            key: key.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } | Self::NoRoute { .. } | Self::UnknownCode { .. } => {
                StatusCode::NOT_FOUND
            }
            Self::InvalidParameter { .. } | Self::InvalidQuery(_) | Self::MalformedBody(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// One problem with one input, listed in a problem's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem details object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    #[schema(example = "parameter `limit`: expected an integer from 1 to 1000, got `5000`")]
    pub detail: String,
    /// Each input at fault, when the problem is with inputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem whose `type` is `about:blank`: the status says it all.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: bounded(&detail.into()),
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut problem = match &self {
            Self::Database(error) => {
                tracing::error!(error = %error, "database error");
                Problem::new(status, "the request failed on our side; it has been logged")
            }
            Self::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                Problem::new(status, "the request failed on our side; it has been logged")
            }
            _ => Problem::new(status, self.to_string()),
        };
        let mut extra_headers = Vec::new();
        match self {
            Self::InvalidParameter { name, message } | Self::UnknownCode { name, message } => {
                problem.errors.push(FieldError::new(name, message));
            }
            Self::Validation(errors) => {
                problem.errors = errors
                    .into_iter()
                    .map(|error| FieldError::new(error.field, error.message))
                    .collect();
            }
            Self::Unauthorized { invalid_token, .. } => {
                let challenge = if invalid_token {
                    r#"Bearer realm="district-indicators", error="invalid_token""#
                } else {
                    r#"Bearer realm="district-indicators""#
                };
                extra_headers.push((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                ));
            }
            Self::TooManyRequests { retry_after } | Self::Unavailable { retry_after, .. } => {
                extra_headers.push((header::RETRY_AFTER, HeaderValue::from(retry_after)));
            }
            _ => {}
        }
        let mut response = problem.into_response();
        for (name, value) in extra_headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// Constraint violations become the client's problem, named by what they
/// protect (Launchbadge's `on_constraint`); an unreachable database is a 503
/// and a statement over `DATABASE_STATEMENT_TIMEOUT` a 504; anything else
/// stays a logged 500.
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        if crate::store::is_unreachable(&error) {
            if matches!(error, sqlx::Error::PoolTimedOut) {
                crate::telemetry::note_pool_timeout();
            }
            tracing::warn!(%error, "database unavailable");
            return Error::database_unavailable();
        }
        let Some(database) = error.as_database_error() else {
            return Error::Database(error);
        };
        let code = database.code();
        let code = code.as_deref().unwrap_or_default();
        // 57014, query_canceled: what statement_timeout raises.
        if code == "57014" {
            return Error::Timeout(
                "a database statement ran longer than the server allows; narrow the request or retry later".to_owned(),
            );
        }
        let constraint = database.constraint().unwrap_or_default();
        match constraint {
            "observations_unique_period" => Error::Conflict(
                "an observation of this indicator, region and period already exists; replace it instead".to_owned(),
            ),
            "excerpt_in_source" => Error::Validation(vec![FieldError::new(
                "excerpt",
                "is not a verbatim part of the source's text",
            )]),
            "observations_reported_unit" | "observations_reported_value" | "observations_reported_text" => {
                Error::Validation(vec![FieldError::new("reported", database.message().to_owned())])
            }
            name if name.ends_with("_pkey") || name.ends_with("_key") => {
                Error::Conflict("a resource with this code already exists (perhaps deleted; codes are never reused)".to_owned())
            }
            name if name.ends_with("_fkey") => Error::Conflict(format!(
                "the write would break a reference between resources ({name}); check the codes it names"
            )),
            // A rule of the schema (a CHECK), a value out of a column's range,
            // or text Postgres cannot hold.
            _ if matches!(
                code,
                "23514" | "23502" | "22003" | "22007" | "22008" | "22021" | "22P05"
            ) => {
                Error::Validation(vec![FieldError::new(
                    if constraint.is_empty() { "body" } else { constraint },
                    format!("breaks a rule of the database: {}", database.message()),
                )])
            }
            // Two writers chose each other as victims (should not happen: all
            // writers queue on data_version first); the client may retry.
            _ if matches!(code, "40P01" | "40001") => {
                Error::Conflict("the write collided with another; retry it".to_owned())
            }
            _ => Error::Database(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_input_is_cut_and_every_message_is_bounded() {
        assert_eq!(
            bounded(&format!("no region has code `{}`", "x".repeat(100))),
            format!("no region has code `{}…`", "x".repeat(64))
        );
        assert_eq!(
            bounded(r#"invalid type: string "150", expected a number"#),
            r#"invalid type: string "150", expected a number"#
        );
        // Input holding backticks of its own breaks the quoting; the whole
        // message is still cut.
        let sly = bounded(&format!("code `{}`", "a`".repeat(100_000)));
        assert!(sly.chars().count() <= MESSAGE_CHARS + 2, "{}", sly.len());
        assert_eq!(echo("region"), "region");
        assert_eq!(echo(&"f".repeat(65)), format!("{}…", "f".repeat(64)));
    }
}
