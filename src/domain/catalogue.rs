//! The catalogue: regions, topics, units, indicators and sources, which the
//! facts refer to.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// A reference to a named thing, with both names, as it appears inside
/// another resource.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedRef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A region: GB/T 2260 code where one exists, else a stable local code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Region {
    pub code: String,
    pub parent_code: Option<String>,
    /// province, prefecture, county, township or village.
    pub level: String,
    /// `gb2260` for official codes, `local` for codes this service assigned.
    pub code_scheme: String,
    pub name_zh: String,
    pub name_en: String,
    pub note: Option<String>,
}

/// A region with its parent and children, for `GET /regions/{code}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionDetail {
    #[serde(flatten)]
    pub region: Region,
    pub parent: Option<Region>,
    pub children: Vec<Region>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topic {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A unit and how it converts to its dimension's base unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unit {
    pub code: String,
    pub symbol_zh: String,
    pub name_zh: String,
    pub name_en: String,
    pub dimension: String,
    pub base_code: String,
    /// Multiply a value in this unit by `factor` to get the base unit.
    pub factor: Decimal,
}

impl Unit {
    /// The same unit with its factor written without trailing zeros.
    pub fn normalized(self) -> Self {
        Self {
            factor: self.factor.normalize(),
            ..self
        }
    }

    /// Whether a value in `self` can be expressed in `other`.
    pub fn converts_to(&self, other: &Unit) -> bool {
        self.base_code == other.base_code
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Indicator {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub topic: NamedRef,
    /// The base unit every observation of this indicator is stored in.
    pub unit: Unit,
    /// level, growth_rate, share, count, rank or difference.
    pub kind: String,
    pub description_en: String,
}

/// A publication, without its text, as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceSummary {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub headline_zh: Option<String>,
    pub headline_en: Option<String>,
    pub publisher_zh: String,
    pub publisher_en: String,
    pub page: Option<String>,
    pub reporter_zh: Option<String>,
    pub reporter_en: Option<String>,
    /// Null: the report prints no publication date.
    pub published_on: Option<NaiveDate>,
    pub reference_year: i32,
    pub language: String,
    pub file_name: String,
    pub updated_at: DateTime<Utc>,
}

/// A publication with its full text, exactly as stored under `data/sources/`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Source {
    #[serde(flatten)]
    pub summary: SourceSummary,
    pub full_text: String,
}
