//! Money: text and JSON in, exact fen out; every amount prints and reads back unchanged.

use proptest::prelude::*;
use storelink_core::money::{parse_fixed, MoneyError};
use storelink_core::Money;

use crate::json::{config, json_value, nasty_string};

/// What decimal text is worth in fen, computed independently in i128: the reference the
/// parser is held to.
fn reference(negative: bool, whole: &str, dot: bool, frac: &str) -> Result<i64, &'static str> {
    if whole.is_empty() && (!dot || frac.is_empty()) {
        return Err("not a number");
    }
    let significant = frac.trim_end_matches('0');
    if significant.len() > 2 {
        return Err("too many decimals");
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        match whole.parse() {
            Ok(w) => w,
            Err(_) => return Err("overflow"),
        }
    };
    let cents: i128 = format!("{significant:0<2}").parse().unwrap_or(0);
    let units = whole * 100 + cents;
    i64::try_from(if negative { -units } else { units }).map_err(|_| "overflow")
}

fn kind(r: &Result<Money, MoneyError>) -> Result<i64, &'static str> {
    match r {
        Ok(m) => Ok(m.fen()),
        Err(MoneyError::NotANumber(_)) => Err("not a number"),
        Err(MoneyError::TooManyDecimals(_)) => Err("too many decimals"),
        Err(MoneyError::Overflow(_)) => Err("overflow"),
    }
}

proptest! {
    #![proptest_config(config(5000))]

    #[test]
    fn any_text_is_an_amount_or_a_money_error(text in nasty_string()) {
        let _ = Money::parse_yuan(&text);
    }

    #[test]
    fn every_amount_prints_and_reads_back(
        fen in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), -1000i64..1000]
    ) {
        let text = Money::from_fen(fen).to_yuan_string();
        prop_assert_eq!(Money::parse_yuan(&text), Ok(Money::from_fen(fen)), "{}", text);
    }

    #[test]
    fn decimal_text_is_worth_exactly_its_digits(
        negative in any::<bool>(),
        whole in "[0-9]{0,24}",
        dot in any::<bool>(),
        frac in "[0-9]{0,5}",
    ) {
        let sign = if negative { "-" } else { "" };
        let text = if dot { format!("{sign}{whole}.{frac}") } else { format!("{sign}{whole}") };
        let frac = if dot { frac.as_str() } else { "" };
        prop_assert_eq!(kind(&Money::parse_yuan(&text)), reference(negative, &whole, dot, frac), "{}", text);
    }

    #[test]
    fn fixed_point_text_never_panics_at_any_scale(text in nasty_string(), scale in 0u32..=40) {
        let _ = parse_fixed(&text, scale);
    }

    /// JSON numbers as a sender writes them (up to 15 significant digits, as the
    /// deserializer documents) come back as the same fen, through text or number.
    #[test]
    fn json_amounts_round_trip(fen in -999_999_999_999_999i64..=999_999_999_999_999) {
        let m = Money::from_fen(fen);
        let number = serde_json::to_string(&m).expect("serializes");
        prop_assert_eq!(serde_json::from_str::<Money>(&number).ok(), Some(m), "{}", number);
        let quoted = format!("\"{}\"", m.to_yuan_string());
        prop_assert_eq!(serde_json::from_str::<Money>(&quoted).ok(), Some(m));
    }

    #[test]
    fn any_json_is_money_or_a_serde_error(value in json_value()) {
        let text = value.to_string();
        if let Ok(m) = serde_json::from_str::<Money>(&text) {
            // Whatever was accepted prints as money text that reads back the same.
            prop_assert_eq!(Money::parse_yuan(&m.to_yuan_string()), Ok(m));
        }
    }
}

/// Found by `every_amount_prints_and_reads_back` once its generator included the extremes:
/// the most negative amount printed as text that the parser then called too large.
#[test]
fn the_most_negative_amount_reads_back() {
    let min = Money::from_fen(i64::MIN);
    assert_eq!(min.to_yuan_string(), "-92233720368547758.08");
    assert_eq!(Money::parse_yuan("-92233720368547758.08"), Ok(min));
    assert!(matches!(
        Money::parse_yuan("92233720368547758.08"),
        Err(MoneyError::Overflow(_))
    ));
}

/// Found by `fixed_point_text_never_panics_at_any_scale`: a scale past 18 digits made the
/// unit `10^scale` overflow (a panic in debug builds) instead of an `Overflow` error.
#[test]
fn an_absurd_scale_is_an_overflow_not_a_panic() {
    assert_eq!(parse_fixed("1.5", 18), Ok(1_500_000_000_000_000_000));
    assert!(matches!(
        parse_fixed("1.5", 30),
        Err(MoneyError::Overflow(_))
    ));
    assert!(matches!(parse_fixed("0", 40), Err(MoneyError::Overflow(_))));
}
