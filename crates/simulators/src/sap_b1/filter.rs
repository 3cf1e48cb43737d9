//! The query options a listing understands, and the `$filter` forms the connector sends.

use chrono::{NaiveDate, NaiveTime};

/// A listing's query options.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    pub filter: Filter,
    pub skip: usize,
    pub top: Option<usize>,
    pub select: Option<Vec<String>>,
    pub count: bool,
    /// Every option except `$skip` and `$top`, as received (for the next link).
    pub rest: Vec<(String, String)>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    /// Records changed at or after this instant (ms).
    pub since_ms: Option<i64>,
    /// Nothing can match (`CardType eq 'cSupplier'`: every partner here is a customer).
    pub nothing: bool,
    pub num_at_card: Option<String>,
}

/// `%XX` and `+` decoded.
pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| char::from(b).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes what a query value may not hold as is.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~$'(),:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string's `key=value` pairs, decoded, empty pairs skipped.
pub(crate) fn pairs(raw: Option<&str>) -> impl Iterator<Item = (String, String)> + '_ {
    raw.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
}

/// A `$select` list's field names.
pub(crate) fn select_list(v: &str) -> Vec<String> {
    v.split(',').map(|f| f.trim().to_owned()).collect()
}

pub(crate) fn options(raw: Option<&str>) -> Result<Options, String> {
    let mut o = Options::default();
    for (k, v) in pairs(raw) {
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("Invalid value '{v}' for {k}"))
        };
        match k.as_str() {
            "$skip" => o.skip = number(&v)?,
            "$top" => o.top = Some(number(&v)?),
            _ => {
                match k.as_str() {
                    "$filter" => o.filter = filter(&v)?,
                    "$select" => o.select = Some(select_list(&v)),
                    "$inlinecount" => o.count = v == "allpages",
                    _ => {}
                }
                o.rest.push((k, v));
            }
        }
    }
    Ok(o)
}

/// Splits at ` and ` / ` or ` outside quotes and parentheses.
pub(crate) fn split_top(text: &str, word: &str) -> Vec<String> {
    let sep = format!(" {word} ");
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 && text[i..].starts_with(&sep) => {
                parts.push(text[start..i].trim().to_owned());
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text[start..].trim().to_owned());
    parts
}

/// `(x)` → `x` when the parentheses enclose the whole text.
pub(crate) fn unwrap_parens(text: &str) -> &str {
    let t = text.trim();
    if !(t.starts_with('(') && t.ends_with(')')) {
        return t;
    }
    let mut depth = 0;
    for (i, c) in t.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i + 1 < t.len() {
                    return t;
                }
            }
            _ => {}
        }
    }
    unwrap_parens(&t[1..t.len() - 1])
}

/// One `and` part of a `$filter`.
pub(crate) enum Part<C> {
    /// Anything but two alternatives: the part's text, parentheses removed.
    One(String),
    /// `A or (B and C)`: the three comparisons in order.
    Either([C; 3]),
}

/// A `$filter` split at its top-level `and`s, each part of the form `A or (B and C)` read
/// with `comparison`; `None` when such a part has another shape or a comparison fails.
pub(crate) fn parts<C>(text: &str, comparison: fn(&str) -> Option<C>) -> Option<Vec<Part<C>>> {
    let mut out = Vec::new();
    for part in split_top(unwrap_parens(text), "and") {
        let part = unwrap_parens(&part).to_owned();
        let alternatives = split_top(&part, "or");
        out.push(if let [first, second] = alternatives.as_slice() {
            let first = comparison(first)?;
            let inner = split_top(unwrap_parens(second), "and");
            let [a, b] = inner.as_slice() else {
                return None;
            };
            Part::Either([first, comparison(a)?, comparison(b)?])
        } else {
            Part::One(part)
        });
    }
    Some(out)
}

/// Narrows `since_ms` to records changed at or after `ms` too.
pub(crate) fn narrow(since_ms: &mut Option<i64>, ms: i64) {
    *since_ms = Some(since_ms.map_or(ms, |s| s.max(ms)));
}

/// The query of the next page's link: the options kept as received, then `$top` less the
/// `n` records sent and `{skip_key}={next}`.
pub(crate) fn next_query(
    rest: &[(String, String)],
    top: Option<usize>,
    n: usize,
    skip_key: &str,
    next: usize,
) -> String {
    let mut q: Vec<String> = rest
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if let Some(top) = top {
        q.push(format!("$top={}", top - n));
    }
    q.push(format!("{skip_key}={next}"));
    q.join("&")
}

/// `Field op 'value'` → (field, op, value).
fn comparison(text: &str) -> Option<(String, String, String)> {
    let mut it = text.trim().splitn(3, ' ');
    let (field, op, value) = (it.next()?, it.next()?, it.next()?.trim());
    let value = value
        .strip_prefix('\'')?
        .strip_suffix('\'')?
        .replace("''", "'");
    Some((field.to_owned(), op.to_owned(), value))
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn ms(d: NaiveDate, t: NaiveTime) -> i64 {
    d.and_time(t).and_utc().timestamp_millis()
}

fn filter(text: &str) -> Result<Filter, String> {
    let bad = || format!("Invalid or unsupported $filter: {text}");
    let mut f = Filter::default();
    for part in parts(text, comparison).ok_or_else(bad)? {
        let since = match part {
            // UpdateDate gt 'D' or (UpdateDate eq 'D' and UpdateTime ge 'T')
            Part::Either([(f1, o1, d1), (f2, o2, d2), (f3, o3, t)]) => {
                let shape = (
                    f1.as_str(),
                    o1.as_str(),
                    f2.as_str(),
                    o2.as_str(),
                    f3.as_str(),
                    o3.as_str(),
                );
                if shape != ("UpdateDate", "gt", "UpdateDate", "eq", "UpdateTime", "ge") || d1 != d2
                {
                    return Err(bad());
                }
                let time = NaiveTime::parse_from_str(&t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(&t, "%H:%M"))
                    .map_err(|_| bad())?;
                ms(date(&d1).ok_or_else(bad)?, time)
            }
            Part::One(part) => {
                let (field, op, value) = comparison(&part).ok_or_else(bad)?;
                match (field.as_str(), op.as_str()) {
                    ("CardType", "eq") => {
                        f.nothing |= value != "cCustomer";
                        continue;
                    }
                    ("NumAtCard", "eq") => {
                        f.num_at_card = Some(value);
                        continue;
                    }
                    ("UpdateDate", "ge") => ms(date(&value).ok_or_else(bad)?, NaiveTime::MIN),
                    ("UpdateDate", "gt") => {
                        let next = date(&value).and_then(|d| d.succ_opt()).ok_or_else(bad)?;
                        ms(next, NaiveTime::MIN)
                    }
                    _ => return Err(bad()),
                }
            }
        };
        narrow(&mut f.since_ms, since);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_connector_filters() {
        let o = options(Some(
            "$orderby=UpdateDate,UpdateTime,CardCode&$filter=CardType%20eq%20'cCustomer'%20and%20(UpdateDate%20gt%20'2026-03-02'%20or%20(UpdateDate%20eq%20'2026-03-02'%20and%20UpdateTime%20ge%20'07:30:05'))&$skip=40&$inlinecount=allpages",
        ))
        .expect("options");
        let want = NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(7, 30, 5))
            .map(|t| t.and_utc().timestamp_millis());
        assert_eq!(o.filter.since_ms, want);
        assert!(!o.filter.nothing && o.count);
        assert_eq!((o.skip, o.top), (40, None));
        assert_eq!(o.rest.len(), 3);
        let ge = options(Some("$filter=UpdateDate ge '2026-03-02'")).expect("ge");
        let gt = options(Some("$filter=UpdateDate+gt+'2026-03-01'")).expect("gt");
        assert_eq!(ge.filter.since_ms, gt.filter.since_ms);
        let n = options(Some("$filter=NumAtCard eq 'O''B'&$top=1")).expect("num");
        assert_eq!(n.filter.num_at_card.as_deref(), Some("O'B"));
        assert!(
            options(Some("$filter=CardType eq 'cSupplier'"))
                .expect("t")
                .filter
                .nothing
        );
        assert!(options(Some("$filter=CardName eq 'x'")).is_err());
        assert!(options(Some("$skip=x")).is_err());
    }
}
