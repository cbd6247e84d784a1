//! Query parameter types that explain themselves when they are wrong.
//!
//! Each parses from the raw query-string value and, when it cannot, says
//! what would have been accepted; [`super::extract::ApiQuery`] adds the
//! parameter's name.

use std::fmt::Display;

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

use crate::store::Page;

/// The largest page a client may ask for.
pub const MAX_LIMIT: i64 = 1000;
/// The page size when the client names none.
pub const DEFAULT_LIMIT: i64 = 100;

/// Reads the raw value and parses it, or explains what is accepted.
fn parse_raw<'de, D, T>(
    deserializer: D,
    expected: impl Display,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = String::deserialize(deserializer)?;
    parse(&raw).ok_or_else(|| de::Error::custom(format!("expected {expected}, got `{raw}`")))
}

/// `limit`: page size, 1 to [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy)]
pub struct Limit(pub i64);

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            format_args!("an integer from 1 to {MAX_LIMIT}"),
            |raw| {
                raw.parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .map(Limit)
            },
        )
    }
}

/// `offset`: how many matching items to skip.
#[derive(Debug, Clone, Copy)]
pub struct Offset(pub i64);

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(deserializer, "a whole number of at least 0", |raw| {
            raw.parse().ok().filter(|n| *n >= 0).map(Offset)
        })
    }
}

/// A count of at least 1, such as `latest`.
#[derive(Debug, Clone, Copy)]
pub struct Count(pub i32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(deserializer, "a whole number from 1 to 1000", |raw| {
            raw.parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .map(Count)
        })
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub struct IsoDate(pub NaiveDate);

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            "a date written YYYY-MM-DD, such as 2024-04-30",
            |raw| {
                // Four-digit years only: chrono would take `-4714` or
                // `20000`, which Postgres cannot store.
                let shaped = raw.len() == 10
                    && raw.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    });
                let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
                (shaped && date.year() >= 1).then_some(IsoDate(date))
            },
        )
    }
}

/// `true` or `false`.
#[derive(Debug, Clone, Copy)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(deserializer, "`true` or `false`", |raw| match raw {
            "true" => Some(Flag(true)),
            "false" => Some(Flag(false)),
            _ => None,
        })
    }
}

/// The pattern every code matches, for the OpenAPI document.
pub const CODE_PATTERN: &str = r"^[A-Za-z0-9_-]{1,64}$";
/// The pattern of a comma-separated list of codes.
pub const CODE_LIST_PATTERN: &str = r"^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64})*$";

/// Whether `raw` can be a code: 1 to 64 letters, digits, `_` or `-`.
pub fn is_code(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

const CODE_EXPECTED: &str =
    "a code of 1 to 64 letters, digits, `_` or `-` (see the matching list endpoint)";

/// One code of a catalogue item (region, indicator, topic).
#[derive(Debug, Clone)]
pub struct Code(pub String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(deserializer, CODE_EXPECTED, |raw| {
            is_code(raw).then(|| Code(raw.to_owned()))
        })
    }
}

/// One or more codes, separated by commas.
#[derive(Debug, Clone)]
pub struct CodeList(pub Vec<String>);

impl<'de> Deserialize<'de> for CodeList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            format_args!("one or more codes separated by commas, each {CODE_EXPECTED}"),
            |raw| {
                let codes: Vec<String> = raw.split(',').map(str::to_owned).collect();
                codes
                    .iter()
                    .all(|code| is_code(code))
                    .then_some(CodeList(codes))
            },
        )
    }
}

/// Free text to search for, 1 to 100 characters.
#[derive(Debug, Clone)]
pub struct SearchText(pub String);

impl<'de> Deserialize<'de> for SearchText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            "text of 1 to 100 printable characters",
            |raw| {
                let printable = !raw.chars().any(char::is_control);
                (printable && !raw.is_empty() && raw.chars().count() <= 100)
                    .then(|| SearchText(raw.to_owned()))
            },
        )
    }
}

/// `after`: where a list continues, as the `next` link of its previous
/// page gave it; opaque to clients.
#[derive(Debug, Clone)]
pub struct After(pub String);

/// The longest `after` the API ever writes is far shorter than this.
const AFTER_MAX_LEN: usize = 400;

impl<'de> Deserialize<'de> for After {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let valid = !raw.is_empty()
            && raw.len() <= AFTER_MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(After(raw))
        } else {
            Err(de::Error::custom(format!(
                "expected the `after` of a `next` link (letters, digits, `-` and `_`, at most {AFTER_MAX_LEN}), got `{}`",
                raw.chars().take(40).collect::<String>()
            )))
        }
    }
}

/// Gives a parameter type its OpenAPI schema, so that `#[param(inline)]`
/// documents exactly what its `Deserialize` accepts.
macro_rules! param_schema {
    ($type:ty, $schema:expr) => {
        impl utoipa::PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }
        impl utoipa::ToSchema for $type {}
    };
}

fn integer(minimum: i64, maximum: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(minimum))
        .maximum(Some(maximum))
}

fn text(pattern: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([serde_json::json!(example)])
}

param_schema!(
    Limit,
    integer(1, MAX_LIMIT).examples([serde_json::json!(100)])
);
param_schema!(
    Offset,
    integer(0, i64::MAX).examples([serde_json::json!(0)])
);
param_schema!(Count, integer(1, 1000).examples([serde_json::json!(1)]));
param_schema!(
    IsoDate,
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        .examples([serde_json::json!("2024-04-30")])
);
param_schema!(
    After,
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(AFTER_MAX_LEN))
        .pattern(Some("^[A-Za-z0-9_-]+$"))
);
param_schema!(Flag, ObjectBuilder::new().schema_type(Type::Boolean));
param_schema!(Code, text(CODE_PATTERN, "371502"));
param_schema!(
    CodeList,
    text(
        CODE_LIST_PATTERN,
        "industrial_output_value,industrial_value_added_growth"
    )
);
param_schema!(
    SearchText,
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some("^[^\\u0000-\\u001F\\u007F]+$"))
        .examples([serde_json::json!("pension")])
);

/// The paging parameters every list accepts.
#[derive(Debug, Clone, Copy, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 1000 (default 100). A CSV response holds every
    /// matching item unless a limit is given.
    #[param(inline)]
    pub limit: Option<Limit>,
    /// How many matching items to skip (default 0).
    #[param(inline)]
    pub offset: Option<Offset>,
}

impl PageParams {
    /// The page asked for, with the defaults filled in.
    pub fn page(&self) -> Page {
        Page {
            limit: self.limit.map_or(DEFAULT_LIMIT, |l| l.0),
            offset: self.offset.map_or(0, |o| o.0),
        }
    }
}

/// A code from the path: one that cannot be a code names nothing (404),
/// and never reaches the database.
pub fn path_code(resource: &'static str, raw: String) -> crate::Result<String> {
    if is_code(&raw) {
        Ok(raw)
    } else {
        Err(crate::Error::not_found(
            resource,
            raw.escape_default().to_string(),
        ))
    }
}

/// A moment, written RFC 3339 (`2024-05-01T00:00:00Z`).
#[derive(Debug, Clone, Copy)]
pub struct Timestamp(pub chrono::DateTime<chrono::Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            "a moment written RFC 3339, such as 2024-05-01T00:00:00Z",
            |raw| {
                let moment = chrono::DateTime::parse_from_rfc3339(raw).ok()?;
                let year = moment.year();
                (1..=9999)
                    .contains(&year)
                    .then(|| Timestamp(moment.with_timezone(&chrono::Utc)))
            },
        )
    }
}

param_schema!(
    Timestamp,
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .examples([serde_json::json!("2026-01-01T00:00:00Z")])
);

/// The name of an API key: 1 to 64 of `A-Z a-z 0-9 _ . @ -`.
#[derive(Debug, Clone)]
pub struct KeyName(pub String);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_raw(
            deserializer,
            "a key name of 1 to 64 letters, digits, `_`, `.`, `@` or `-`",
            |raw| {
                let valid = !raw.is_empty()
                    && raw.len() <= 64
                    && raw.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b'-')
                    });
                valid.then(|| KeyName(raw.to_owned()))
            },
        )
    }
}

param_schema!(KeyName, text(r"^[A-Za-z0-9_.@-]{1,64}$", "alice"));
