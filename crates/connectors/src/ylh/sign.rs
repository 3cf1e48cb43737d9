//! The `Sign` of 易理货's callbacks to us (form fields `AppKey`, `TimeStamp`, `Method`,
//! `Data`, `Sign`): every field except `Sign` and those with an empty value, sorted by name,
//! written name then value with no separator, wrapped in the secret on both ends, MD5, upper
//! case hex.
//!
//! The transcription in VENDORS.md hashes that text as it is; the vendor's own callback
//! document (text and Java sample) lower-cases it before hashing. Both variants are
//! computed here; a callback is accepted when either matches, so the choice cannot lock a
//! real vendor out (either way the secret is needed to sign).

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// The field that carries the signature; never signed itself.
pub const SIGN_FIELD: &str = "Sign";

/// Which text is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignCase {
    /// `secret + pairs + secret` as it is (VENDORS.md).
    AsIs,
    /// The same text lower-cased before hashing (the vendor's callback document).
    Lowercase,
}

/// The text that is hashed: the secret, each non-empty field but `Sign` as name + value in
/// name order (byte order, as Java's `Arrays.sort` orders ASCII names), the secret again.
pub fn sign_text(secret: &str, fields: &[(&str, &str)]) -> String {
    let mut kept: Vec<&(&str, &str)> = fields
        .iter()
        .filter(|(k, v)| *k != SIGN_FIELD && !v.trim().is_empty())
        .collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::from(secret);
    for (k, v) in kept {
        text.push_str(k);
        text.push_str(v);
    }
    text.push_str(secret);
    text
}

/// The `Sign` of these fields: UPPER(MD5(text)) in the given variant.
pub fn sign(secret: &str, fields: &[(&str, &str)], case: SignCase) -> String {
    let text = sign_text(secret, fields);
    let text = match case {
        SignCase::AsIs => text,
        SignCase::Lowercase => text.to_lowercase(),
    };
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// True when `given` is the `Sign` of `fields` in either variant (compared in constant
/// time, case-insensitively: the hex is upper case but a sender may lower it).
pub fn verify(secret: &str, fields: &[(&str, &str)], given: &str) -> bool {
    let given = given.trim().to_ascii_uppercase();
    [SignCase::AsIs, SignCase::Lowercase].iter().any(|case| {
        let expected = sign(secret, fields, *case);
        bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ylh-cb-secret";
    const DATA: &str =
        r#"{"ExtOrderNo":"SO.20230912.000001","PlatformOrderNo":"PO-2024-001","State":1}"#;

    fn fields<'a>(sign: &'a str, extra: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("TimeStamp", "20230912113528"),
            ("Method", "hmm.scm_heorder.confirm"),
            ("AppKey", "hmma904eb75643b4eaa"),
            ("Data", DATA),
            ("Sign", sign),
            ("Empty", extra),
        ]
    }

    #[test]
    fn text_sorts_names_and_leaves_out_sign_and_empty_values() {
        assert_eq!(
            sign_text(SECRET, &fields("whatever", "  ")),
            format!(
                "{SECRET}AppKeyhmma904eb75643b4eaaData{DATA}Methodhmm.scm_heorder.confirmTimeStamp20230912113528{SECRET}"
            )
        );
    }

    #[test]
    fn vectors_computed_independently() {
        // MD5 of the text above (and of it lower-cased), upper-case hex; computed with
        // Python's hashlib, not with this code.
        let f = fields("", "");
        assert_eq!(
            sign(SECRET, &f, SignCase::AsIs),
            "7E26B0AA933E2540742A3EFDD2B46F53"
        );
        assert_eq!(
            sign(SECRET, &f, SignCase::Lowercase),
            "CBA383A9BEFB428248EA76E18AE2B239"
        );
        // Chinese text in a value is hashed as UTF-8 and is unchanged by lower-casing.
        let cn = [
            ("AppKey", "K1"),
            ("Data", r#"{"FailMsg":"缺货"}"#),
            ("Method", "m"),
            ("TimeStamp", "20240101000000"),
        ];
        assert_eq!(
            sign("S", &cn, SignCase::AsIs),
            "27D978B99DF92C8074585E4820782E09"
        );
    }

    #[test]
    fn verify_takes_either_variant_and_nothing_else() {
        let f = fields("", "");
        assert!(verify(SECRET, &f, "7E26B0AA933E2540742A3EFDD2B46F53"));
        assert!(verify(SECRET, &f, "cba383a9befb428248ea76e18ae2b239"));
        assert!(!verify(SECRET, &f, "7E26B0AA933E2540742A3EFDD2B46F54"));
        assert!(!verify(
            "other-secret",
            &f,
            "7E26B0AA933E2540742A3EFDD2B46F53"
        ));
        assert!(!verify(SECRET, &f, ""));
        // A changed field breaks it.
        let mut changed = f.clone();
        changed[0] = ("TimeStamp", "20230912113529");
        assert!(!verify(
            SECRET,
            &changed,
            "7E26B0AA933E2540742A3EFDD2B46F53"
        ));
    }
}
