//! Money as integer fen (1/100 yuan). Never a float: amounts arrive as JSON numbers such as
//! `296.80` and are converted through their decimal text, so every fen is exact.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an amount of money")]
    NotANumber(String),
    #[error("`{0}` has too many decimal places (money is exact to the fen)")]
    TooManyDecimals(String),
    #[error("`{0}` is too large")]
    Overflow(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Price × quantity for a whole-number quantity.
    pub fn checked_mul(self, quantity: i64) -> Option<Money> {
        self.0.checked_mul(quantity).map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses decimal yuan text: `296.8`, `296.80`, `-20`; `1e2` is refused (not money text).
    pub fn parse_yuan(text: &str) -> Result<Money, MoneyError> {
        parse_fixed(text, 2).map(Money)
    }

    /// Decimal yuan text with exactly two places, e.g. `296.80`.
    pub fn to_yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Parses decimal text into an integer count of 10^-`scale` units, exactly. Digits past
/// `scale` are refused unless they are trailing zeros.
pub fn parse_fixed(text: &str, scale: u32) -> Result<i64, MoneyError> {
    let bad = || MoneyError::NotANumber(text.to_owned());
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let frac_significant = frac.trim_end_matches('0');
    if frac_significant.len() > scale as usize {
        return Err(MoneyError::TooManyDecimals(text.to_owned()));
    }
    let overflow = || MoneyError::Overflow(text.to_owned());
    // Summed in i128 and narrowed with the sign applied, so i64::MIN (one more negative
    // unit than i64::MAX positive) reads back too.
    let whole_value: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| overflow())?
    };
    // Checked first: the digit loop below stays within i128 for any scale that passes.
    let unit = 10_i128.checked_pow(scale).ok_or_else(overflow)?;
    let mut frac_units: i128 = 0;
    for i in 0..scale as usize {
        let digit = frac_significant
            .as_bytes()
            .get(i)
            .map_or(0, |b| i128::from(b - b'0'));
        frac_units = frac_units * 10 + digit;
    }
    let units = whole_value
        .checked_mul(unit)
        .and_then(|v| v.checked_add(frac_units))
        .ok_or_else(overflow)?;
    i64::try_from(if negative { -units } else { units }).map_err(|_| overflow())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_yuan_string())
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse_yuan(s)
    }
}

impl Serialize for Money {
    /// Written as a JSON number of yuan, as the seeds show (`296.8`). The text is built
    /// from the integer fen; serde_json has no way to emit a decimal literal other than
    /// through its number type, and every fen value below 2^53 prints exactly.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_yuan_string();
        let number: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor;
        impl Visitor<'_> for MoneyVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount in yuan with at most two decimal places")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                v.checked_mul(100)
                    .map(Money)
                    .ok_or_else(|| E::custom(MoneyError::Overflow(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .map(Money)
                    .ok_or_else(|| E::custom(MoneyError::Overflow(v.to_string())))
            }
            /// serde_json hands a literal like `296.80` over as the nearest f64. Rust prints
            /// an f64 as the shortest decimal that reads back to the same value, which for
            /// any literal of up to 15 significant digits is that literal itself
            /// (`296.8`), so the fen are recovered exactly from the text, never by
            /// multiplying floats.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                if !v.is_finite() {
                    return Err(E::custom(MoneyError::NotANumber(v.to_string())));
                }
                let text = format!("{v}");
                Money::parse_yuan(&text).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_yuan(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(MoneyVisitor)
    }
}

impl specta::Type for Money {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <f64 as specta::Type>::definition(types)
    }
}

/// OpenAPI: a JSON number of yuan with at most two decimal places (or the same as a string).
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaType, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Number)))
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .pattern(Some(r"^[+-]?\d*(\.\d+)?$")),
            )
            .description(Some(
                "amount in yuan, exact to the fen (at most 2 decimal places)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json(text: &str) -> Result<Money, String> {
        serde_json::from_str::<Money>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn seed_amounts_parse_exactly() {
        assert_eq!(from_json("296.80"), Ok(Money::from_fen(29680)));
        assert_eq!(from_json("28.80"), Ok(Money::from_fen(2880)));
        assert_eq!(from_json("0.1"), Ok(Money::from_fen(10)));
        assert_eq!(from_json("0.07"), Ok(Money::from_fen(7)));
        assert_eq!(from_json("5700.00"), Ok(Money::from_fen(570000)));
        assert_eq!(from_json("288"), Ok(Money::from_fen(28800)));
        assert_eq!(from_json("-20.5"), Ok(Money::from_fen(-2050)));
        assert_eq!(from_json("\"296.80\""), Ok(Money::from_fen(29680)));
        assert_eq!(
            from_json("123456789012.34"),
            Ok(Money::from_fen(12345678901234))
        );
    }

    #[test]
    fn values_that_are_inexact_in_binary_still_give_exact_fen() {
        // 0.1 + 0.2 style cases: every two-decimal amount up to a large bound round-trips.
        for fen in (0..200_000).step_by(7) {
            let m = Money::from_fen(fen);
            let json = serde_json::to_string(&m).unwrap_or_default();
            assert_eq!(from_json(&json), Ok(m), "fen {fen} via {json}");
        }
    }

    #[test]
    fn more_than_two_decimals_is_refused() {
        assert!(from_json("296.805")
            .expect_err("must fail")
            .contains("too many decimal places"));
        assert!(from_json("\"1.001\"").is_err());
        assert_eq!(Money::parse_yuan("1.500"), Ok(Money::from_fen(150)));
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "\"\"",
            "\"abc\"",
            "\"1.2.3\"",
            "\"1e5\"",
            "true",
            "null",
            "\"-\"",
        ] {
            assert!(from_json(bad).is_err(), "{bad} should be refused");
        }
        assert!(matches!(
            Money::parse_yuan("99999999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
    }

    #[test]
    fn serializes_as_yuan_number() {
        assert_eq!(
            serde_json::to_string(&Money::from_fen(29680)).unwrap_or_default(),
            "296.8"
        );
        assert_eq!(Money::from_fen(-5).to_yuan_string(), "-0.05");
        assert_eq!(Money::from_fen(7).to_string(), "0.07");
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_fen(i64::MAX);
        assert_eq!(a.checked_add(Money::from_fen(1)), None);
        assert_eq!(
            Money::from_fen(6800).checked_mul(2),
            Some(Money::from_fen(13600))
        );
    }
}
