//! Time series and FRED-style transforms of them.
//!
//! A transform answers only where the data allow an exact answer; anywhere
//! else it explains why not, so the API can say so instead of printing a
//! wrong number.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Observation, Qualifier};

/// How to transform a series, named as FRED names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    /// Change from the previous period.
    Chg,
    /// Percent change from the previous period.
    Pch,
    /// Change from a year earlier.
    Ch1,
    /// Percent change from a year earlier.
    Pc1,
}

impl Transform {
    /// Whether the result is a percent change rather than a difference.
    pub fn is_percent_change(self) -> bool {
        matches!(self, Transform::Pch | Transform::Pc1)
    }
}

/// Decimal places kept in a percent change (rounded half to even).
pub const PERCENT_CHANGE_DP: u32 = 6;

/// One point of a series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesPoint {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub period_label: String,
    pub value: Decimal,
    pub qualifier: Qualifier,
    /// True when any value it is computed from is derived.
    pub derived: bool,
    /// The observations the value comes from: one, or two for a transform
    /// (the earlier first). Each traces to its excerpt.
    pub observation_ids: Vec<i64>,
}

impl From<&Observation> for SeriesPoint {
    fn from(observation: &Observation) -> Self {
        SeriesPoint {
            period_start: observation.period_start,
            period_end: observation.period_end,
            period_label: observation.period_label.clone(),
            value: observation.value,
            qualifier: observation.qualifier,
            derived: observation.derived,
            observation_ids: vec![observation.id],
        }
    }
}

/// Why a transform cannot be computed; said to the client as a 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotComputable(pub String);

/// Applies `transform` to `points` (in period order) of an indicator of
/// `kind` (level, count, growth_rate…).
pub fn apply(
    transform: Transform,
    kind: &str,
    points: &[SeriesPoint],
) -> Result<Vec<SeriesPoint>, NotComputable> {
    if transform.is_percent_change() && !matches!(kind, "level" | "count") {
        return Err(NotComputable(format!(
            "a percent change needs levels or counts, and this indicator is a {kind}; use chg or ch1 for its change"
        )));
    }
    let pairs: Vec<(&SeriesPoint, &SeriesPoint)> = match transform {
        Transform::Chg | Transform::Pch => {
            if points.len() < 2 {
                return Err(NotComputable(format!(
                    "a change from the previous period needs at least two periods; this series has {}",
                    points.len()
                )));
            }
            for pair in points.windows(2) {
                if !consecutive(&pair[0], &pair[1]) {
                    return Err(NotComputable(format!(
                        "periods {} and {} are not consecutive periods of equal length, so there is no previous period to compare with",
                        pair[0].period_label, pair[1].period_label
                    )));
                }
            }
            points.windows(2).map(|pair| (&pair[0], &pair[1])).collect()
        }
        Transform::Ch1 | Transform::Pc1 => {
            let pairs: Vec<_> = points
                .iter()
                .filter_map(|point| year_earlier(points, point).map(|earlier| (earlier, point)))
                .collect();
            if pairs.is_empty() {
                return Err(NotComputable(
                    "no period of this series has a value for the same period a year earlier"
                        .to_owned(),
                ));
            }
            pairs
        }
    };
    pairs
        .into_iter()
        .map(|(earlier, later)| change(transform, earlier, later))
        .collect()
}

fn change(
    transform: Transform,
    earlier: &SeriesPoint,
    later: &SeriesPoint,
) -> Result<SeriesPoint, NotComputable> {
    for point in [earlier, later] {
        if point.qualifier != Qualifier::Exact {
            return Err(NotComputable(format!(
                "the value for {} is not exact (qualifier `{}`), so no change computed from it would be",
                point.period_label,
                serde_json::to_value(point.qualifier)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )));
        }
    }
    let value = if transform.is_percent_change() {
        if earlier.value.is_zero() {
            return Err(NotComputable(format!(
                "the value for {} is zero, so a percent change from it is undefined",
                earlier.period_label
            )));
        }
        later
            .value
            .checked_div(earlier.value)
            .and_then(|ratio| ratio.checked_sub(Decimal::ONE))
            .and_then(|change| change.checked_mul(Decimal::ONE_HUNDRED))
            .ok_or_else(|| {
                NotComputable(format!(
                    "the change to {} is too large to compute",
                    later.period_label
                ))
            })?
            .round_dp_with_strategy(PERCENT_CHANGE_DP, RoundingStrategy::MidpointNearestEven)
    } else {
        later.value.checked_sub(earlier.value).ok_or_else(|| {
            NotComputable(format!(
                "the change to {} is too large to compute",
                later.period_label
            ))
        })?
    };
    Ok(SeriesPoint {
        period_start: later.period_start,
        period_end: later.period_end,
        period_label: later.period_label.clone(),
        value: value.normalize(),
        qualifier: Qualifier::Exact,
        derived: earlier.derived || later.derived,
        observation_ids: vec![earlier.observation_ids[0], later.observation_ids[0]],
    })
}

/// How many whole calendar months a period spans, if it is made of them.
fn months(start: NaiveDate, end: NaiveDate) -> Option<i32> {
    let ends_month = end.succ_opt().is_some_and(|next| next.day() == 1);
    (start.day() == 1 && ends_month).then(|| {
        (end.year() * 12 + end.month() as i32) - (start.year() * 12 + start.month() as i32) + 1
    })
}

/// Whether `later` directly follows `earlier` and spans as many months.
fn consecutive(earlier: &SeriesPoint, later: &SeriesPoint) -> bool {
    let follows = earlier.period_end.succ_opt() == Some(later.period_start);
    let same_length = match (
        months(earlier.period_start, earlier.period_end),
        months(later.period_start, later.period_end),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => earlier.period_end - earlier.period_start == later.period_end - later.period_start,
    };
    follows && same_length
}

/// The point for the same period one year before `point`.
fn year_earlier<'a>(points: &'a [SeriesPoint], point: &SeriesPoint) -> Option<&'a SeriesPoint> {
    let start = point.period_start.checked_sub_months(Months::new(12))?;
    let end = match months(point.period_start, point.period_end) {
        // Month-aligned: a year before the end of February 2024 is the end of February 2023.
        Some(_) => point
            .period_end
            .with_day(1)?
            .checked_sub_months(Months::new(11))?
            .pred_opt()?,
        None => point.period_end.checked_sub_months(Months::new(12))?,
    };
    points
        .iter()
        .find(|p| p.period_start == start && p.period_end == end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: i64, start: &str, end: &str, value: &str) -> SeriesPoint {
        SeriesPoint {
            period_start: start.parse().unwrap(),
            period_end: end.parse().unwrap(),
            period_label: format!("{start}..{end}"),
            value: value.parse().unwrap(),
            qualifier: Qualifier::Exact,
            derived: false,
            observation_ids: vec![id],
        }
    }

    fn values(points: &[SeriesPoint]) -> Vec<String> {
        points.iter().map(|p| p.value.to_string()).collect()
    }

    #[test]
    fn chg_and_pch_follow_consecutive_periods() {
        let annual = [
            point(1, "2022-01-01", "2022-12-31", "100"),
            point(2, "2023-01-01", "2023-12-31", "110"),
            point(3, "2024-01-01", "2024-12-31", "99"),
        ];
        assert_eq!(
            values(&apply(Transform::Chg, "level", &annual).unwrap()),
            ["10", "-11"]
        );
        let pch = apply(Transform::Pch, "level", &annual).unwrap();
        assert_eq!(values(&pch), ["10", "-10"]);
        assert_eq!(pch[1].observation_ids, [2, 3]);
    }

    #[test]
    fn percent_change_is_rounded_half_even_to_six_places() {
        let points = [
            point(1, "2023-01-01", "2023-12-31", "3"),
            point(2, "2024-01-01", "2024-12-31", "4"),
        ];
        assert_eq!(
            values(&apply(Transform::Pch, "level", &points).unwrap()),
            ["33.333333"]
        );
    }

    #[test]
    fn a_gap_between_periods_is_not_computable() {
        let gappy = [
            point(1, "2022-01-01", "2022-12-31", "1"),
            point(2, "2024-01-01", "2024-12-31", "2"),
        ];
        assert!(
            apply(Transform::Chg, "level", &gappy)
                .unwrap_err()
                .0
                .contains("not consecutive")
        );
    }

    #[test]
    fn ch1_pairs_the_same_months_a_year_apart() {
        let points = [
            point(1, "2023-01-01", "2023-04-30", "100"),
            point(2, "2023-05-01", "2023-12-31", "7"),
            point(3, "2024-01-01", "2024-04-30", "108.7"),
        ];
        let ch1 = apply(Transform::Ch1, "level", &points).unwrap();
        assert_eq!(values(&ch1), ["8.7"]);
        assert_eq!(ch1[0].period_start.to_string(), "2024-01-01");
        assert_eq!(
            values(&apply(Transform::Pc1, "level", &points).unwrap()),
            ["8.7"]
        );
    }

    #[test]
    fn a_year_before_a_leap_february_ends_on_the_28th() {
        let points = [
            point(1, "2023-02-01", "2023-02-28", "10"),
            point(2, "2024-02-01", "2024-02-29", "12"),
        ];
        assert_eq!(
            values(&apply(Transform::Ch1, "level", &points).unwrap()),
            ["2"]
        );
    }

    #[test]
    fn lower_bounds_rates_and_lone_points_are_refused() {
        let mut bound = [
            point(1, "2023-01-01", "2023-12-31", "20"),
            point(2, "2024-01-01", "2024-12-31", "25"),
        ];
        bound[0].qualifier = Qualifier::AtLeast;
        assert!(
            apply(Transform::Chg, "count", &bound)
                .unwrap_err()
                .0
                .contains("not exact")
        );
        let rates = [
            point(1, "2023-01-01", "2023-12-31", "5"),
            point(2, "2024-01-01", "2024-12-31", "6"),
        ];
        assert!(
            apply(Transform::Pch, "growth_rate", &rates)
                .unwrap_err()
                .0
                .contains("needs levels")
        );
        assert_eq!(
            values(&apply(Transform::Chg, "growth_rate", &rates).unwrap()),
            ["1"]
        );
        assert!(
            apply(Transform::Chg, "level", &rates[..1])
                .unwrap_err()
                .0
                .contains("at least two")
        );
        assert!(
            apply(Transform::Ch1, "level", &rates[..1])
                .unwrap_err()
                .0
                .contains("a year earlier")
        );
    }

    #[test]
    fn percent_change_from_zero_is_refused() {
        let points = [
            point(1, "2023-01-01", "2023-12-31", "0"),
            point(2, "2024-01-01", "2024-12-31", "4"),
        ];
        assert!(
            apply(Transform::Pch, "count", &points)
                .unwrap_err()
                .0
                .contains("zero")
        );
    }
}
