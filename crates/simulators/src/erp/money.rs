//! Decimal strings as fixed-point integers: money in fen (2 places), quantities in
//! thousandths (3 places). Nothing here touches a float.

/// Parses a non-negative decimal string with at most `scale` fraction digits into an
/// integer scaled by `10^scale`. `"12.5"` at scale 3 is `12500`. Rejects signs, exponents,
/// empty parts and values that do not fit.
pub(crate) fn parse_fixed(text: &str, scale: u32) -> Option<i64> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int.is_empty() || int.len() > 12 || frac.len() > scale as usize {
        return None;
    }
    if text.contains('.') && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = int.parse().ok()?;
    for i in 0..scale as usize {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    Some(value)
}

/// Money: fen to `"68.00"`.
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A quantity in thousandths, without trailing zeros: `2000` → `"2"`, `12500` → `"12.5"`.
pub(crate) fn quantity(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let (int, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let digits = format!("{frac:03}");
    format!("{sign}{int}.{}", digits.trim_end_matches('0'))
}

/// The amount of a line, rounded half up to the fen: quantity (thousandths) × price (fen).
pub(crate) fn line_amount(quantity_milli: i64, unit_price_fen: i64) -> i64 {
    let product = i128::from(quantity_milli) * i128::from(unit_price_fen);
    i64::try_from((product + 500) / 1000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_fixed_point() {
        assert_eq!(parse_fixed("68.00", 2), Some(6800));
        assert_eq!(parse_fixed("68", 2), Some(6800));
        assert_eq!(parse_fixed("0.5", 3), Some(500));
        assert_eq!(parse_fixed("12.345", 3), Some(12345));
        for bad in ["", ".5", "5.", "-1", "1e3", "1.234", "abc", " 1", "1,0"] {
            assert_eq!(parse_fixed(bad, 2), None, "{bad}");
        }
        assert_eq!(yuan(29680), "296.80");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(quantity(2000), "2");
        assert_eq!(quantity(12500), "12.5");
        assert_eq!(quantity(1), "0.001");
        assert_eq!(line_amount(2000, 6800), 13600);
        assert_eq!(line_amount(333, 100), 33);
        assert_eq!(line_amount(335, 100), 34);
    }
}
