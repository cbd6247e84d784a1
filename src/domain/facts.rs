//! Facts: observations, recognitions and targets, each with its evidence.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Evidence, NamedRef, Unit};

/// How exactly the printed figure states the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    /// '余': more than the printed number ("20余家" is at least 20).
    AtLeast,
    Approx,
}

/// What a printed rate compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ComparisonBasis {
    /// 同比: the same period of the previous year.
    YearOnYear,
}

/// The figure as the report printed it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reported {
    pub value: Decimal,
    /// The unit as printed: 亿元, 万人, 个百分点…
    pub unit: Option<String>,
    /// The catalogue unit the printed number is in (see `/units`).
    pub unit_code: String,
    /// The printed text, a substring of the excerpt: "110亿元".
    pub text: String,
}

/// One value of one indicator for one region and period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Observation {
    pub id: i64,
    /// Increases by one with every replace; the `ETag` of the observation.
    pub revision: i32,
    pub indicator: NamedRef,
    pub region: NamedRef,
    pub topic: NamedRef,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The period as the report states it.
    pub period_label: String,
    /// Exact, in `unit` (the indicator's base unit).
    pub value: Decimal,
    pub unit: Unit,
    pub qualifier: Qualifier,
    pub comparison_basis: Option<ComparisonBasis>,
    /// Null when the value is derived rather than printed.
    pub reported: Option<Reported>,
    pub derived: bool,
    /// How a derived value was computed.
    pub formula: Option<String>,
    pub evidence: Evidence,
}

impl Observation {
    /// Expresses the value in `unit`, a unit of the same dimension. Factors
    /// are powers of ten, so the division is exact.
    ///
    /// Returns false, changing nothing, when the value cannot be expressed
    /// in `unit` (it would overflow).
    #[must_use]
    pub fn express_in(&mut self, unit: &Unit) -> bool {
        debug_assert!(self.unit.converts_to(unit));
        let Some(value) = self
            .value
            .checked_mul(self.unit.factor)
            .and_then(|base| base.checked_div(unit.factor))
        else {
            return false;
        };
        self.value = value.normalize();
        self.unit = unit.clone();
        true
    }
}

/// An honour, designation or distinction.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recognition {
    pub id: i64,
    /// Increases by one with every replace; the `ETag` of the recognition.
    pub revision: i32,
    pub region: NamedRef,
    /// The institution honoured, when it is not the region itself.
    pub holder_zh: Option<String>,
    pub holder_en: Option<String>,
    pub topic: NamedRef,
    pub title_zh: String,
    pub title_en: String,
    /// title, designation, first_in_city, hosted_event, initiative or status.
    pub category: String,
    /// national, provincial, municipal or district; null when not stated.
    pub level: Option<String>,
    /// The year of the report that states it.
    pub year: i32,
    pub evidence: Evidence,
}

/// A commitment, with the date it is due by.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Target {
    pub id: i64,
    /// Increases by one with every replace; the `ETag` of the target.
    pub revision: i32,
    pub region: NamedRef,
    pub topic: NamedRef,
    pub title_zh: String,
    pub title_en: String,
    /// The last day the commitment allows; null when the report gives none.
    pub due_date: Option<NaiveDate>,
    /// The due date as printed: "2024年9月底前".
    pub due_label: Option<String>,
    pub evidence: Evidence,
}
