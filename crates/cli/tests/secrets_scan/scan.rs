//! The leak search: every planted secret in every form it could take on the way out (as
//! is, base64 at any alignment, hex, and for a `whsec_` key its decoded bytes too), looked
//! for in files and in captured texts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|x| *x == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    Some(out)
}

/// The base64 text of `bytes` wherever it sits in a longer base64 stream (an `Authorization:
/// Basic` header, a JSON blob): for each of the three alignments, the characters that do
/// not depend on the neighbouring bytes.
fn base64_anywhere(bytes: &[u8]) -> Vec<String> {
    let mut forms = Vec::new();
    for pad in 0..3usize {
        let mut padded = vec![0u8; pad];
        padded.extend_from_slice(bytes);
        let text = base64(&padded);
        let skip = (pad * 4).div_ceil(3);
        let keep = text.len().saturating_sub(skip + 4);
        if keep >= 8 {
            forms.push(text[skip..skip + keep].to_owned());
        }
    }
    forms
}

/// Hex and base64 (standard and URL-safe, at any alignment) of `bytes`.
fn encoded(name: &str, bytes: &[u8]) -> Vec<(String, String)> {
    let mut forms = vec![
        (format!("{name}hex"), hex(bytes)),
        (format!("{name}HEX"), hex(bytes).to_uppercase()),
    ];
    for (i, b) in base64_anywhere(bytes).into_iter().enumerate() {
        forms.push((
            format!("{name}base64url@{i}"),
            b.replace('+', "-").replace('/', "_"),
        ));
        forms.push((format!("{name}base64@{i}"), b));
    }
    forms
}

/// What to look for, by secret label: `(form, text)`.
pub struct Needles(BTreeMap<String, Vec<(String, String)>>);

impl Needles {
    pub fn new() -> Self {
        Needles(BTreeMap::new())
    }

    /// A secret value and every encoding of it worth looking for.
    pub fn add(&mut self, label: &str, value: &str) {
        let mut forms = vec![("raw".to_owned(), value.to_owned())];
        forms.extend(encoded("", value.as_bytes()));
        if let Some(key) = value.strip_prefix("whsec_").and_then(unbase64) {
            if let Ok(text) = String::from_utf8(key.clone()) {
                forms.push(("decoded key".to_owned(), text));
            }
            forms.extend(encoded("decoded key ", &key));
        }
        forms.sort();
        forms.dedup();
        self.0.entry(label.to_owned()).or_default().extend(forms);
    }

    pub fn labels(&self) -> usize {
        self.0.len()
    }

    pub fn forms(&self) -> usize {
        self.0.values().map(Vec::len).sum()
    }

    /// Every `(label, form)` found in `text`.
    pub fn find(&self, text: &str) -> Vec<(String, String)> {
        let mut hits = Vec::new();
        for (label, forms) in &self.0 {
            for (form, needle) in forms {
                if text.contains(needle.as_str()) {
                    hits.push((label.clone(), form.clone()));
                }
            }
        }
        hits
    }
}

/// One place looked at and what was found there.
#[derive(Debug)]
pub struct Hit {
    pub place: String,
    pub label: String,
    pub form: String,
}

impl Hit {
    pub fn describe(&self) -> String {
        format!("{} [{}] in {}", self.label, self.form, self.place)
    }
}

/// The hits, one a line.
pub fn places(hits: &[Hit]) -> String {
    hits.iter()
        .map(Hit::describe)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rotated webhook secret is answered once, to the rotation: it must be seen there (a
/// control: the search finds a value Storelink made itself) and nowhere else. The other
/// hits.
pub fn shown_once(expected: &[(String, String)], hits: Vec<Hit>) -> Vec<Hit> {
    let (there, elsewhere): (Vec<Hit>, Vec<Hit>) = hits.into_iter().partition(|h| {
        expected
            .iter()
            .any(|(place, label)| h.place == *place && h.label == *label)
    });
    for (place, label) in expected {
        assert!(
            there
                .iter()
                .any(|h| h.place == *place && h.label == *label && h.form == "raw"),
            "the search cannot see {label} in {place}:\n{}",
            places(&there)
        );
    }
    elsewhere
}

pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Searches every file under `roots` and every captured text; returns the hits and how
/// many bytes were read.
pub fn search(needles: &Needles, roots: &[&Path], texts: &[(String, String)]) -> (Vec<Hit>, u64) {
    let mut hits = Vec::new();
    let mut bytes = 0;
    for root in roots {
        for file in files(root) {
            let Ok(content) = std::fs::read(&file) else {
                continue;
            };
            bytes += content.len() as u64;
            // Every needle is ASCII, so a lossy view of the bytes matches exactly where the
            // bytes do.
            let text = String::from_utf8_lossy(&content);
            for (label, form) in needles.find(&text) {
                hits.push(Hit {
                    place: file.display().to_string(),
                    label,
                    form,
                });
            }
        }
    }
    for (place, text) in texts {
        bytes += text.len() as u64;
        for (label, form) in needles.find(text) {
            hits.push(Hit {
                place: place.clone(),
                label,
                form,
            });
        }
    }
    (hits, bytes)
}

#[test]
fn encodings_are_found_at_every_alignment() {
    let mut n = Needles::new();
    n.add("s", "SLSECRET-x-0123456789");
    for prefix in ["", "u", "us", "use"] {
        let blob = base64(format!("{prefix}:SLSECRET-x-0123456789:tail").as_bytes());
        assert!(!n.find(&blob).is_empty(), "prefix {prefix:?}: {blob}");
    }
    assert!(!n.find(&hex(b"..SLSECRET-x-0123456789..")).is_empty());
    let mut w = Needles::new();
    w.add(
        "w",
        &format!("whsec_{}", base64(b"SLSECRET-wh-abcdef012345")),
    );
    assert!(!w.find("key=SLSECRET-wh-abcdef012345").is_empty());
    assert!(
        n.find("SLSECRET-x-012345678").is_empty(),
        "a shorter text is no hit"
    );
}
