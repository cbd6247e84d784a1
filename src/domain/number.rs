//! Figures as writers send them: a JSON number, read into a [`Decimal`]
//! exactly or refused. Never rounded, and never a string that looks like a
//! number.
//!
//! A `Decimal` holds 28 significant digits and magnitudes below about
//! 7.9 × 10²⁸; `NUMERIC` holds whatever it is given. So a number a
//! `Decimal` cannot hold exactly would be rounded on its way to the
//! database, and is refused instead.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// Most significant digits a stored figure can have.
pub const MAX_DIGITS: u32 = 28;

/// `#[serde(deserialize_with = …)]` for a figure: a JSON number that a
/// [`Decimal`] holds exactly.
pub fn exact_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let kind = match &value {
        serde_json::Value::Number(number) => {
            return parse_exact(number.as_str()).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "cannot be stored exactly (at most {MAX_DIGITS} significant digits, and less than 7.9e28 in size), got `{number}`; it is refused rather than rounded"
                ))
            });
        }
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    };
    Err(serde::de::Error::custom(format!(
        "must be a JSON number such as 1.5 (not in quotes), got {kind}"
    )))
}

/// A number written in decimal or scientific notation (`-1.5`, `15e-1`), as
/// a [`Decimal`] of exactly that value; `None` if no `Decimal` is.
pub fn parse_exact(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // The digits from the first significant one, and where the decimal
    // point falls among them.
    let digits = format!("{whole}{fraction}");
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let digits = &digits[leading..];
    if digits.is_empty() {
        return Some(Decimal::ZERO);
    }
    let point = i64::try_from(whole.len())
        .ok()?
        .checked_add(exponent)?
        .checked_sub(i64::try_from(leading).ok()?)?;
    // Past these bounds no Decimal can hold the value (it is 10^29 or
    // more, or its first digit lies past the 28th decimal place); say so
    // before writing out as many zeros as the exponent asks for.
    if !(-27..=29).contains(&point) {
        return None;
    }
    // As written (keeping its scale), else without the trailing zeros
    // that a Decimal has no room for.
    let value = Decimal::from_str_exact(&plain(digits, point))
        .or_else(|_| Decimal::from_str_exact(&plain(digits.trim_end_matches('0'), point)))
        .ok()?;
    Some(if negative { -value } else { value })
}

/// `digits` with the decimal point `point` places from their start
/// (negative: that many zeros before them), in plain notation.
fn plain(digits: &str, point: i64) -> String {
    let width = usize::try_from(point.unsigned_abs()).unwrap_or(usize::MAX);
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat(width))
    } else if width >= digits.len() {
        format!("{digits}{}", "0".repeat(width - digits.len()))
    } else {
        let (left, right) = digits.split_at(width);
        format!("{left}.{right}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers_are_read_in_any_notation() {
        for (text, expected) in [
            ("150", "150"),
            ("-150", "-150"),
            ("1.5e2", "150"),
            ("15E1", "150"),
            ("1500e-1", "150"),
            ("0.1", "0.1"),
            ("0.00012", "0.00012"),
            ("1.2e-5", "0.000012"),
            ("0e400", "0"),
            ("-0.0", "0"),
            ("3784600", "3784600"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            ("1.0000000000000000000000000000000", "1"),
        ] {
            assert_eq!(
                parse_exact(text).map(|d| d.normalize().to_string()),
                Some(expected.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_a_decimal_cannot_hold_are_refused() {
        for text in [
            "150.00000000000000000000000000001",
            "1e400",
            "1e-400",
            "79228162514264337593543950336",
            "100000000000000000000000000000",
            "0.00000000000000000000000000001",
            "1.5e-40",
            "1e99999999999999999999",
            "",
            "abc",
        ] {
            assert_eq!(parse_exact(text), None, "{text}");
        }
    }
}
