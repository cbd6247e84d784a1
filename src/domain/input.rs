//! What writers send, and the rules it must meet before it is stored.
//!
//! Validation lists every problem at once, each naming the field, so a
//! statistician fixes a record in one pass. It checks against a
//! [`CatalogueView`], a snapshot of the catalogue, so a bulk import checks
//! 100k rows without a query per row.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use super::number::exact_decimal;
use super::{ComparisonBasis, Qualifier};
use crate::error::FieldError;

/// The text fields documented as multi-line: an excerpt keeps the printed
/// page's line wraps, and a source's full text is the page. Only these may
/// hold a tab or a line break (`\t`, `\n`, `\r`); no text may hold any
/// other control character.
pub const MULTI_LINE_FIELDS: &[&str] = &["excerpt", "full_text"];

/// What validation needs to know of the catalogue.
#[derive(Debug, Default, Clone)]
pub struct CatalogueView {
    /// Indicator code → (base unit code, kind).
    pub indicators: HashMap<String, (String, String)>,
    pub regions: HashMap<String, ()>,
    pub topics: HashMap<String, ()>,
    /// Unit code → (base unit code, factor, dimension).
    pub units: HashMap<String, (String, Decimal, String)>,
    /// Source id → full text.
    pub sources: HashMap<String, String>,
}

/// A new or replacement observation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationInput {
    #[schema(example = "industrial_output_value")]
    pub indicator: String,
    #[schema(example = "371502")]
    pub region: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The period as the source states it.
    #[schema(example = "2024年1至4月份")]
    pub period_label: String,
    /// The value, in `unit`: a JSON number with at most 28 significant
    /// digits (more is refused, never rounded).
    #[schema(value_type = f64, example = 110)]
    #[serde(deserialize_with = "exact_decimal")]
    pub value: Decimal,
    /// The unit `value` is in (default: the indicator's base unit); it is
    /// stored converted to the base unit.
    #[schema(example = "cny_100m")]
    pub unit: Option<String>,
    #[serde(default = "exact")]
    pub qualifier: Qualifier,
    pub comparison_basis: Option<ComparisonBasis>,
    /// The figure as printed; required unless `derived`.
    pub reported: Option<ReportedInput>,
    #[serde(default)]
    pub derived: bool,
    /// How a derived value is computed; required when `derived`.
    pub formula: Option<String>,
    #[schema(example = "dongchangfu-2024")]
    pub source_id: String,
    /// A verbatim part of the source's text.
    pub excerpt: String,
}

fn exact() -> Qualifier {
    Qualifier::Exact
}

/// The figure as printed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportedInput {
    /// The printed number (exact, as `value` of the observation).
    #[schema(value_type = f64, example = 110)]
    #[serde(deserialize_with = "exact_decimal")]
    pub value: Decimal,
    /// The unit as printed, e.g. 亿元.
    pub unit: Option<String>,
    /// The catalogue unit of the printed number, e.g. `cny_100m`.
    pub unit_code: String,
    /// The printed text, which must stand in the excerpt, e.g. 110亿元.
    pub text: String,
}

/// An observation that met every rule, in the shape it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidObservation {
    pub indicator_code: String,
    pub region_code: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub period_label: String,
    /// In the indicator's base unit.
    pub value: Decimal,
    pub qualifier: Qualifier,
    pub comparison_basis: Option<ComparisonBasis>,
    pub reported_value: Option<Decimal>,
    pub reported_unit: Option<String>,
    pub reported_unit_code: Option<String>,
    pub reported_text: Option<String>,
    pub derived: bool,
    pub formula: Option<String>,
    pub source_id: String,
    pub excerpt: String,
}

/// Collects problems, so all are reported at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    fn text(&mut self, field: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max_chars {
            self.add(field, format!("must be at most {max_chars} characters"));
        }
    }
}

impl ObservationInput {
    /// Checks every rule, converting the value to the indicator's base unit.
    pub fn validate(self, catalogue: &CatalogueView) -> Result<ValidObservation, Vec<FieldError>> {
        let mut problems = Problems::default();
        let indicator = catalogue.indicators.get(&self.indicator);
        if indicator.is_none() {
            problems.add(
                "indicator",
                format!("no indicator has code `{}`", self.indicator),
            );
        }
        if !catalogue.regions.contains_key(&self.region) {
            problems.add("region", format!("no region has code `{}`", self.region));
        }
        if self.period_end < self.period_start {
            problems.add(
                "period_end",
                format!("must not be before period_start ({})", self.period_start),
            );
        }
        problems.text("period_label", &self.period_label, 100);
        problems.text("excerpt", &self.excerpt, 2000);

        // The value's unit must convert to the indicator's.
        let base_unit = indicator.map(|(unit, _)| unit.as_str());
        let unit_code = self.unit.as_deref().or(base_unit);
        let factor = match (unit_code, base_unit) {
            (Some(code), Some(base)) => match catalogue.units.get(code) {
                Some((unit_base, factor, _)) if unit_base == base => Some(*factor),
                Some((_, _, dimension)) => {
                    problems.add(
                        "unit",
                        format!("`{code}` measures {dimension} and cannot express this indicator"),
                    );
                    None
                }
                None => {
                    problems.add("unit", format!("no unit has code `{code}`"));
                    None
                }
            },
            _ => None,
        };
        let value = factor.and_then(|factor| self.value.checked_mul(factor));
        if factor.is_some() && value.is_none() {
            problems.add("value", "is too large to store");
        }
        if let (Some(value), Some(base)) = (value, base_unit)
            && let Some((_, _, dimension)) = catalogue.units.get(base)
        {
            check_value_fits(&mut problems, value, dimension);
        }

        match catalogue.sources.get(&self.source_id) {
            None => problems.add(
                "source_id",
                format!("no source has id `{}`", self.source_id),
            ),
            Some(text) if !self.excerpt.is_empty() && !text.contains(&self.excerpt) => {
                problems.add("excerpt", "is not a verbatim part of the source's text")
            }
            Some(_) => {}
        }

        match (&self.reported, self.derived) {
            (None, false) => problems.add("reported", "is required unless `derived` is true"),
            (Some(_), true) => problems.add(
                "reported",
                "must be null when `derived` is true: a derived value was not printed",
            ),
            _ => {}
        }
        match (&self.formula, self.derived) {
            (None, true) => problems.add("formula", "is required when `derived` is true"),
            (Some(_), false) => problems.add(
                "formula",
                "is only for derived values; set `derived` or drop it",
            ),
            (Some(formula), true) => problems.text("formula", formula, 1000),
            _ => {}
        }
        if let Some(reported) = &self.reported {
            problems.text("reported.text", &reported.text, 100);
            if !reported.text.is_empty() && !self.excerpt.contains(&reported.text) {
                problems.add("reported.text", "must stand in the excerpt");
            }
            match (catalogue.units.get(&reported.unit_code), base_unit) {
                (None, _) => problems.add(
                    "reported.unit_code",
                    format!("no unit has code `{}`", reported.unit_code),
                ),
                (Some((unit_base, factor, _)), Some(base)) => {
                    if unit_base != base {
                        problems.add("reported.unit_code", "must convert to the indicator's unit");
                    } else if value.is_some() && reported.value.checked_mul(*factor) != value {
                        problems.add(
                            "reported.value",
                            "in `reported.unit_code` must equal `value` in `unit`",
                        );
                    }
                }
                _ => {}
            }
        }

        if !problems.0.is_empty() {
            return Err(problems.0);
        }
        let Some(value) = value else {
            return Err(vec![FieldError::new("value", "cannot be converted")]);
        };
        Ok(ValidObservation {
            indicator_code: self.indicator,
            region_code: self.region,
            period_start: self.period_start,
            period_end: self.period_end,
            period_label: self.period_label,
            value: value.normalize(),
            qualifier: self.qualifier,
            comparison_basis: self.comparison_basis,
            reported_value: self.reported.as_ref().map(|r| r.value.normalize()),
            reported_unit: self.reported.as_ref().and_then(|r| r.unit.clone()),
            reported_unit_code: self.reported.as_ref().map(|r| r.unit_code.clone()),
            reported_text: self.reported.map(|r| r.text),
            derived: self.derived,
            formula: self.formula,
            source_id: self.source_id,
            excerpt: self.excerpt,
        })
    }
}

/// A count of persons or organisations is a whole number of at least zero;
/// a rank is a whole number of at least one.
fn check_value_fits(problems: &mut Problems, value: Decimal, dimension: &str) {
    let whole = value.fract().is_zero();
    match dimension {
        "persons" | "organisations" | "count"
            if !whole || value.is_sign_negative() && !value.is_zero() =>
        {
            problems.add(
                "value",
                format!("a count of {dimension} must be a whole number of at least 0, got {value}"),
            )
        }
        "rank" if !whole || value < Decimal::ONE => problems.add(
            "value",
            format!("a rank must be a whole number of at least 1, got {value}"),
        ),
        _ => {}
    }
}

/// A new or replacement recognition (honour).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecognitionInput {
    #[schema(example = "371502-tangyi")]
    pub region: String,
    pub holder_zh: Option<String>,
    pub holder_en: Option<String>,
    #[schema(example = "rural_revitalisation")]
    pub topic: String,
    pub title_zh: String,
    pub title_en: String,
    /// title, designation, first_in_city, hosted_event, initiative or status.
    pub category: String,
    /// national, provincial, municipal or district.
    pub level: Option<String>,
    pub year: i32,
    pub source_id: String,
    pub excerpt: String,
}

impl RecognitionInput {
    pub fn validate(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        check_fact_refs(
            &mut problems,
            catalogue,
            &self.region,
            &self.topic,
            &self.source_id,
            &self.excerpt,
        );
        problems.text("title_zh", &self.title_zh, 200);
        problems.text("title_en", &self.title_en, 300);
        if self.holder_zh.is_some() != self.holder_en.is_some() {
            problems.add(
                "holder_en",
                "holder_zh and holder_en are given together or not at all",
            );
        }
        const CATEGORIES: &[&str] = &[
            "title",
            "designation",
            "first_in_city",
            "hosted_event",
            "initiative",
            "status",
        ];
        if !CATEGORIES.contains(&self.category.as_str()) {
            problems.add(
                "category",
                format!("must be one of {}", CATEGORIES.join(", ")),
            );
        }
        const LEVELS: &[&str] = &["national", "provincial", "municipal", "district"];
        if let Some(level) = &self.level
            && !LEVELS.contains(&level.as_str())
        {
            problems.add(
                "level",
                format!("must be one of {} (or null)", LEVELS.join(", ")),
            );
        }
        if !(1949..=2100).contains(&self.year) {
            problems.add("year", "must be a year from 1949 to 2100");
        }
        finish(problems, self)
    }
}

/// A new or replacement target (dated commitment).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    #[schema(example = "371502")]
    pub region: String,
    #[schema(example = "housing_livelihood")]
    pub topic: String,
    pub title_zh: String,
    pub title_en: String,
    pub due_date: Option<NaiveDate>,
    /// The due date as printed; given with `due_date` or not at all.
    pub due_label: Option<String>,
    pub source_id: String,
    pub excerpt: String,
}

impl TargetInput {
    pub fn validate(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        check_fact_refs(
            &mut problems,
            catalogue,
            &self.region,
            &self.topic,
            &self.source_id,
            &self.excerpt,
        );
        problems.text("title_zh", &self.title_zh, 200);
        problems.text("title_en", &self.title_en, 300);
        if self.due_date.is_some() != self.due_label.is_some() {
            problems.add(
                "due_label",
                "due_date and due_label are given together or not at all",
            );
        }
        finish(problems, self)
    }
}

fn check_fact_refs(
    problems: &mut Problems,
    catalogue: &CatalogueView,
    region: &str,
    topic: &str,
    source_id: &str,
    excerpt: &str,
) {
    if !catalogue.regions.contains_key(region) {
        problems.add("region", format!("no region has code `{region}`"));
    }
    if !catalogue.topics.contains_key(topic) {
        problems.add("topic", format!("no topic has code `{topic}`"));
    }
    problems.text("excerpt", excerpt, 2000);
    match catalogue.sources.get(source_id) {
        None => problems.add("source_id", format!("no source has id `{source_id}`")),
        Some(text) if !excerpt.is_empty() && !text.contains(excerpt) => {
            problems.add("excerpt", "is not a verbatim part of the source's text")
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> CatalogueView {
        let mut view = CatalogueView::default();
        view.indicators
            .insert("jobs".into(), ("person".into(), "count".into()));
        view.indicators
            .insert("money".into(), ("cny".into(), "level".into()));
        view.regions.insert("371502".into(), ());
        view.units.insert(
            "person".into(),
            ("person".into(), Decimal::ONE, "persons".into()),
        );
        view.units.insert(
            "cny".into(),
            ("cny".into(), Decimal::ONE, "currency".into()),
        );
        view.units.insert(
            "cny_10k".into(),
            ("cny".into(), Decimal::from(10_000), "currency".into()),
        );
        view.sources
            .insert("s".into(), "贴息73.9万元，带动就业278人".into());
        view
    }

    fn input(
        indicator: &str,
        value: &str,
        unit: Option<&str>,
        reported: Option<(&str, &str, &str)>,
    ) -> ObservationInput {
        ObservationInput {
            indicator: indicator.into(),
            region: "371502".into(),
            period_start: "2024-01-01".parse().unwrap(),
            period_end: "2024-12-31".parse().unwrap(),
            period_label: "2024年".into(),
            value: value.parse().unwrap(),
            unit: unit.map(Into::into),
            qualifier: Qualifier::Exact,
            comparison_basis: None,
            reported: reported.map(|(value, unit_code, text)| ReportedInput {
                value: value.parse().unwrap(),
                unit: None,
                unit_code: unit_code.into(),
                text: text.into(),
            }),
            derived: false,
            formula: None,
            source_id: "s".into(),
            excerpt: "贴息73.9万元，带动就业278人".into(),
        }
    }

    #[test]
    fn a_value_in_ten_thousands_is_stored_in_yuan() {
        let valid = input(
            "money",
            "73.9",
            Some("cny_10k"),
            Some(("73.9", "cny_10k", "73.9万元")),
        )
        .validate(&catalogue())
        .unwrap();
        assert_eq!(valid.value.to_string(), "739000");
        assert_eq!(
            valid.reported_value.map(|v| v.to_string()).as_deref(),
            Some("73.9")
        );
    }

    #[test]
    fn every_problem_is_listed_at_once() {
        let mut bad = input("jobs", "278.5", None, Some(("278", "person", "999人")));
        bad.region = "nowhere".into();
        bad.period_end = "2023-01-01".parse().unwrap();
        bad.excerpt = "not in the source".into();
        let fields: Vec<String> = bad
            .validate(&catalogue())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "region",
                "period_end",
                "value",
                "excerpt",
                "reported.text",
                "reported.value"
            ]
        );
    }

    #[test]
    fn a_negative_count_and_a_unit_of_another_dimension_are_refused() {
        let negative = input("jobs", "-1", None, Some(("-1", "person", "278人")))
            .validate(&catalogue())
            .unwrap_err();
        assert!(
            negative
                .iter()
                .any(|e| e.field == "value" && e.message.contains("at least 0"))
        );
        let dimension = input("jobs", "278", Some("cny"), Some(("278", "person", "278人")))
            .validate(&catalogue())
            .unwrap_err();
        assert!(
            dimension
                .iter()
                .any(|e| e.field == "unit" && e.message.contains("measures currency"))
        );
    }
}

/// Whether `code` is snake_case, as topic, unit and indicator codes are.
fn check_snake_case(problems: &mut Problems, field: &str, code: &str) {
    let valid = code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        problems.add(
            field,
            "must be snake_case: a lowercase letter, then lowercase letters, digits or `_` (at most 64)",
        );
    }
}

fn one_of(problems: &mut Problems, field: &str, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        problems.add(field, format!("must be one of {}", allowed.join(", ")));
    }
}

fn finish<T>(problems: Problems, value: T) -> Result<T, Vec<FieldError>> {
    if problems.0.is_empty() {
        Ok(value)
    } else {
        Err(problems.0)
    }
}

/// A new or replacement region (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionInput {
    /// A GB/T 2260 code (six digits) or a local code `<county code>-<pinyin>`.
    #[schema(example = "371502-yanji")]
    pub code: String,
    pub parent_code: Option<String>,
    /// province, prefecture, county, township or village.
    pub level: String,
    pub name_zh: String,
    pub name_en: String,
    pub note: Option<String>,
}

impl RegionInput {
    pub fn validate(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        let official = self.code.len() == 6 && self.code.bytes().all(|b| b.is_ascii_digit());
        let local = self.code.split_once('-').is_some_and(|(county, name)| {
            county.len() == 6
                && county.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase())
        });
        if !(official || local) {
            problems.add(
                "code",
                "must be six digits (GB/T 2260) or `<six digits>-<lowercase pinyin>`",
            );
        }
        one_of(
            &mut problems,
            "level",
            &self.level,
            &["province", "prefecture", "county", "township", "village"],
        );
        match &self.parent_code {
            Some(parent) if !catalogue.regions.contains_key(parent) => {
                problems.add("parent_code", format!("no region has code `{parent}`"))
            }
            Some(parent) if *parent == self.code => {
                problems.add("parent_code", "a region cannot be its own parent")
            }
            None if self.level != "province" => {
                problems.add("parent_code", "is required below province level")
            }
            _ => {}
        }
        problems.text("name_zh", &self.name_zh, 100);
        problems.text("name_en", &self.name_en, 200);
        finish(problems, self)
    }

    /// `gb2260` for an official code, `local` otherwise.
    pub fn code_scheme(&self) -> &'static str {
        if self.code.bytes().all(|b| b.is_ascii_digit()) {
            "gb2260"
        } else {
            "local"
        }
    }
}

/// A new or replacement topic (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicInput {
    #[schema(example = "education")]
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Order among topics; unique.
    pub position: i32,
}

impl TopicInput {
    pub fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        check_snake_case(&mut problems, "code", &self.code);
        problems.text("name_zh", &self.name_zh, 100);
        problems.text("name_en", &self.name_en, 200);
        finish(problems, self)
    }
}

/// A new or replacement unit (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    #[schema(example = "person_100m")]
    pub code: String,
    pub symbol_zh: String,
    pub name_zh: String,
    pub name_en: String,
    /// currency, persons, organisations, percent, percentage_points, rank or count.
    pub dimension: String,
    /// The base unit of the dimension; the unit's own code for a base unit.
    pub base_code: String,
    /// Multiply a value in this unit by `factor` for the base unit; 1 for a base unit.
    #[schema(value_type = f64, example = 100000000)]
    #[serde(deserialize_with = "exact_decimal")]
    pub factor: Decimal,
}

impl UnitInput {
    pub fn validate(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        check_snake_case(&mut problems, "code", &self.code);
        problems.text("symbol_zh", &self.symbol_zh, 20);
        problems.text("name_zh", &self.name_zh, 100);
        problems.text("name_en", &self.name_en, 200);
        one_of(
            &mut problems,
            "dimension",
            &self.dimension,
            &[
                "currency",
                "persons",
                "organisations",
                "percent",
                "percentage_points",
                "rank",
                "count",
            ],
        );
        if self.factor <= Decimal::ZERO {
            problems.add("factor", "must be greater than 0");
        }
        if self.base_code == self.code {
            if self.factor != Decimal::ONE {
                problems.add("factor", "a base unit has factor 1");
            }
        } else {
            match catalogue.units.get(&self.base_code) {
                None => problems.add(
                    "base_code",
                    format!("no unit has code `{}`", self.base_code),
                ),
                Some((base_of_base, _, dimension)) => {
                    if *base_of_base != self.base_code {
                        problems.add("base_code", "must name a base unit");
                    }
                    if *dimension != self.dimension {
                        problems.add(
                            "base_code",
                            format!("measures {dimension}, not {}", self.dimension),
                        );
                    }
                }
            }
        }
        finish(problems, self)
    }
}

/// A new or replacement indicator (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[schema(example = "gdp")]
    pub code: String,
    pub topic: String,
    pub name_zh: String,
    pub name_en: String,
    /// A base unit (see `/units`).
    pub unit: String,
    /// level, growth_rate, share, count, rank or difference.
    pub kind: String,
    pub description_en: String,
    /// Order among indicators; unique.
    pub position: i32,
}

impl IndicatorInput {
    pub fn validate(self, catalogue: &CatalogueView) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        check_snake_case(&mut problems, "code", &self.code);
        if !catalogue.topics.contains_key(&self.topic) {
            problems.add("topic", format!("no topic has code `{}`", self.topic));
        }
        match catalogue.units.get(&self.unit) {
            None => problems.add("unit", format!("no unit has code `{}`", self.unit)),
            Some((base, _, _)) if *base != self.unit => problems.add(
                "unit",
                format!("must be a base unit; `{}` converts to `{base}`", self.unit),
            ),
            Some(_) => {}
        }
        one_of(
            &mut problems,
            "kind",
            &self.kind,
            &[
                "level",
                "growth_rate",
                "share",
                "count",
                "rank",
                "difference",
            ],
        );
        problems.text("name_zh", &self.name_zh, 200);
        problems.text("name_en", &self.name_en, 300);
        problems.text("description_en", &self.description_en, 2000);
        finish(problems, self)
    }
}

/// A new or replacement source (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    #[schema(example = "dongchangfu-2025")]
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
    /// Null when the publication prints no date.
    pub published_on: Option<NaiveDate>,
    pub reference_year: i32,
    /// zh or en.
    pub language: String,
    pub file_name: String,
    /// The full text, verbatim; every excerpt quoting it must stand in it.
    pub full_text: String,
}

impl SourceInput {
    pub fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::default();
        let id_ok = self
            .id
            .starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && self.id.len() <= 64;
        if !id_ok {
            problems.add(
                "id",
                "must be lowercase letters, digits and `-`, at most 64",
            );
        }
        problems.text("title_zh", &self.title_zh, 300);
        problems.text("title_en", &self.title_en, 300);
        problems.text("publisher_zh", &self.publisher_zh, 200);
        problems.text("publisher_en", &self.publisher_en, 200);
        problems.text("file_name", &self.file_name, 200);
        problems.text("full_text", &self.full_text, 10_000_000);
        one_of(&mut problems, "language", &self.language, &["zh", "en"]);
        if !(1949..=2100).contains(&self.reference_year) {
            problems.add("reference_year", "must be a year from 1949 to 2100");
        }
        finish(problems, self)
    }
}
