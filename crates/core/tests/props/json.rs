//! Input generators shared by the fuzz and property tests of every crate (included with
//! `#[path]`, since test targets cannot depend on each other): hostile strings, arbitrary
//! JSON, seed bodies with fields replaced, removed or added, and byte-level damage.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};

/// `default_cases` per property unless `PROPTEST_CASES` is set (the longer runs documented
/// in docs/RELIABILITY.md set it); no regression files are written into the source tree.
pub fn config(default_cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    config.failure_persistence = None;
    config
}

/// Texts that parsers get wrong: SQL and path metacharacters, numbers that do not fit,
/// impossible dates, NUL, byte-order marks, very long runs.
pub const NASTY: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "+",
    "-",
    ".",
    "1e5",
    "NaN",
    "inf",
    "-inf",
    "296.805",
    "00000000000000000000001.10",
    "9223372036854775807",
    "-9223372036854775808",
    "92233720368547758.08",
    "-92233720368547758.08",
    "99999999999999999999999999",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "%",
    "_",
    "%_%",
    "\\",
    "\0",
    "a\0b",
    "../../etc/passwd",
    "..\\..\\windows",
    "/etc/passwd",
    "null",
    "true",
    "[]",
    "{}",
    "2024-02-30T25:61:61",
    "2024-02-29T23:59:60Z",
    "+262143-12-31T23:59:59Z",
    "-262144-01-01",
    "0000-00-00",
    "9999-12-31T23:59:59.999999999+14:00",
    "\u{feff}1",
    "\u{202e}evil",
    "🦀",
    "张三",
    "*/0 * * * *",
    "0 0 29 2 MON",
];

pub fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,40}",
        2 => prop::sample::select(NASTY).prop_map(str::to_owned),
        1 => "[0-9.+eE-]{0,30}",
        1 => ("[a-z]", 200usize..5000).prop_map(|(c, n)| c.repeat(n)),
    ]
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        (-1_000_000i64..1_000_000, 0u32..4).prop_filter_map("decimal", |(n, s)| format!(
            "{n}e-{s}"
        )
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)),
    ]
}

pub fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        nasty_string().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_]{1,12}",
        1 => nasty_string(),
    ]
}

/// Any JSON value, up to four levels deep.
pub fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One change to a JSON document.
#[derive(Debug, Clone)]
pub enum Edit {
    /// The value at the chosen place becomes this one.
    Replace(Value),
    /// The chosen member or element goes.
    Remove,
    /// A member is added to the chosen object (or to the document's top level).
    Add(String, Value),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => json_value().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        1 => (key(), json_value()).prop_map(|(k, v)| Edit::Add(k, v)),
    ]
}

/// Every JSON pointer into `value`, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(child.clone());
                pointers(v, child, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let child = format!("{at}/{i}");
                out.push(child.clone());
                pointers(v, child, out);
            }
        }
        _ => {}
    }
}

pub fn apply(doc: &mut Value, pick: usize, edit: Edit) {
    let mut all = vec![String::new()];
    pointers(doc, String::new(), &mut all);
    let pointer = &all[pick % all.len()];
    match edit {
        Edit::Replace(v) => {
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = v;
            }
        }
        Edit::Remove => {
            let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
            let last = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        Edit::Add(k, v) => {
            if let Some(Value::Object(map)) = doc.pointer_mut(pointer) {
                map.insert(k, v);
            } else if let Value::Object(map) = doc {
                map.insert(k, v);
            }
        }
    }
}

/// `seed` with one to three edits: the structured-but-wrong bodies a sender produces.
pub fn mutated(seed: Value) -> impl Strategy<Value = Value> {
    prop::collection::vec((any::<usize>(), edit()), 1..4).prop_map(move |edits| {
        let mut doc = seed.clone();
        for (pick, e) in edits {
            apply(&mut doc, pick, e);
        }
        doc
    })
}

/// Byte-level damage to a valid body: a flipped bit, a cut, an inserted or removed byte.
pub fn damaged(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len().max(1);
    (0..4u8, 0..len, any::<u8>()).prop_map(move |(how, at, byte)| {
        let mut b = bytes.clone();
        let at = at.min(b.len().saturating_sub(1));
        match how {
            0 if !b.is_empty() => b[at] ^= 1 << (byte % 8),
            1 => b.truncate(at),
            2 => b.insert(at, byte),
            _ if !b.is_empty() => {
                b.remove(at);
            }
            _ => {}
        }
        b
    })
}

/// A body of arbitrary bytes, a damaged seed, or a mutated seed, in about equal shares.
pub fn body_from(seed: Value) -> impl Strategy<Value = Vec<u8>> {
    let bytes = serde_json::to_vec(&seed).unwrap_or_default();
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        damaged(bytes),
        mutated(seed).prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
    ]
}
