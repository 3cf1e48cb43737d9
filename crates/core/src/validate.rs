//! Field rules shared by every entity. Each pushes a violation that names the field and
//! the rule, so the caller can show it next to the field.

use crate::error::{Rule, Violations};
use crate::money::Money;

/// Trims and requires a non-empty value of at most `max` characters.
/// Amounts of money that cannot be below zero (prices, totals, balances, deposits).
pub fn non_negative(v: &mut Violations, field: &str, amount: Money) {
    if amount.is_negative() {
        v.push(
            field,
            Rule::OutOfRange {
                min: 0,
                max: i64::MAX,
            },
            format!("{field} must not be negative"),
        );
    }
}

pub fn required_text(v: &mut Violations, field: &str, value: &str, max: u32) {
    if value.trim().is_empty() {
        v.push(field, Rule::Required, format!("{field} is required"));
    } else {
        max_len(v, field, value, max);
    }
}

pub fn max_len(v: &mut Violations, field: &str, value: &str, max: u32) {
    let len = value.chars().count();
    if len > max as usize {
        v.push(
            field,
            Rule::TooLong { max },
            format!("{field} must be at most {max} characters (got {len})"),
        );
    }
}

pub fn range(v: &mut Violations, field: &str, value: i64, min: i64, max: i64, unit: &str) {
    if value < min || value > max {
        v.push(
            field,
            Rule::OutOfRange { min, max },
            format!("{field} must be between {min} and {max}{unit} (got {value})"),
        );
    }
}

/// Mainland China mobile numbers: 11 digits starting 13–19, with an optional +86/86 prefix.
pub fn is_cn_mobile(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let national = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
        .unwrap_or(&digits);
    let national = if national.len() == 13 {
        national.strip_prefix("86").unwrap_or(national)
    } else {
        national
    };
    let bytes = national.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
}

pub fn cn_mobile(v: &mut Violations, field: &str, phone: &str) {
    if !is_cn_mobile(phone) {
        v.push(
            field,
            Rule::PhoneCn,
            format!("{field} must be a mainland China mobile number of 11 digits starting 13-19"),
        );
    }
}

/// An http(s) URL with a host: what a vendor endpoint must be.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            !host.is_empty()
                && !host.starts_with(':')
                && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

pub fn http_url(v: &mut Violations, field: &str, url: &str) {
    if !is_http_url(url) {
        v.push(
            field,
            Rule::Url,
            format!("{field} must be an http:// or https:// URL with a host"),
        );
    } else {
        max_len(v, field, url, 2048);
    }
}

pub fn is_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

pub fn email(v: &mut Violations, field: &str, email: &str) {
    if !is_email(email) {
        v.push(
            field,
            Rule::Email,
            format!("{field} must be an email address"),
        );
    }
}

pub fn one_of(v: &mut Violations, field: &str, value: &str, allowed: &[&str]) -> bool {
    if allowed.contains(&value) {
        true
    } else {
        v.push(
            field,
            Rule::OneOf {
                allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
            },
            format!(
                "{field} must be one of {} (got `{value}`)",
                allowed.join(", ")
            ),
        );
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cn_mobile_numbers() {
        for ok in [
            "13800138000",
            "+8613800138000",
            "8613900139000",
            "199 0000 0000",
            "0086-15012345678",
        ] {
            assert!(is_cn_mobile(ok), "{ok}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "abcdefghijk",
            "",
            "+8612800138000",
            "10086",
        ] {
            assert!(!is_cn_mobile(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://api.meituan.com/pos",
            "http://127.0.0.1:8080",
            "https://u:p@h/x",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "ftp://x",
            "https://",
            "api.meituan.com",
            "http:// spaced.com",
            "https://:80/",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_email("zhangsan@example.com"));
        assert!(!is_email("zhangsan@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("a b@example.com"));
    }

    #[test]
    fn violations_name_field_and_rule() {
        let mut v = Violations::new();
        required_text(&mut v, "name", "  ", 100);
        range(&mut v, "sync_interval", 5, 30, 86400, " seconds");
        max_len(&mut v, "provider", &"x".repeat(101), 100);
        one_of(&mut v, "type", "fax", &["pos", "erp"]);
        let err = v.into_result().err();
        let Some(crate::AppError::Validation { errors }) = err else {
            panic!("expected validation error");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "sync_interval", "provider", "type"]);
        assert_eq!(errors[0].rule, Rule::Required);
        assert!(errors[1].message.contains("between 30 and 86400 seconds"));
        assert_eq!(errors[2].rule, Rule::TooLong { max: 100 });
    }
}
