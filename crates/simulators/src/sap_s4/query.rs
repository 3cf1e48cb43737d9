//! The query options a listing understands, and the `$filter` forms the connector sends:
//! `Customer ne ''`, `PurchaseOrderByCustomer eq '…'`, `LastChangeDateTime ge|gt
//! datetimeoffset'…'`, `LastChangeDate ge|gt datetime'…'` and `LastChangeDate gt
//! datetime'D' or (LastChangeDate eq datetime'D' and LastChangeTime ge time'PT…')`, joined
//! by `and`. Anything else is a 400.

use chrono::{DateTime, NaiveDateTime};

use crate::sap_b1::filter::{narrow, pairs, parts, select_list, Part};

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    pub filter: Filter,
    /// `$skip` plus `$skiptoken`: where the page starts.
    pub offset: usize,
    pub top: Option<usize>,
    pub select: Option<Vec<String>>,
    pub expand: bool,
    pub count: bool,
    /// Every option except `$skip`, `$top` and `$skiptoken`, as received (for `__next`).
    pub rest: Vec<(String, String)>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    /// Records changed at or after this instant (ms).
    pub since_ms: Option<i64>,
    pub purchase_order: Option<String>,
}

pub(crate) fn options(raw: Option<&str>) -> Result<Options, String> {
    let mut o = Options::default();
    for (k, v) in pairs(raw) {
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("Invalid value '{v}' for system query option {k}"))
        };
        match k.as_str() {
            "$skip" | "$skiptoken" => o.offset += number(&v)?,
            "$top" => o.top = Some(number(&v)?),
            _ => {
                match k.as_str() {
                    "$filter" => o.filter = filter(&v)?,
                    "$select" => o.select = Some(select_list(&v)),
                    "$expand" => o.expand = !v.trim().is_empty(),
                    "$inlinecount" => o.count = v == "allpages",
                    "$format" if v != "json" => return Err(format!("Format '{v}' not supported")),
                    _ => {}
                }
                o.rest.push((k, v));
            }
        }
    }
    Ok(o)
}

/// `Field op value` → (field, op, value) with the value's literal prefix kept
/// (`datetime'…'`, `'…'`).
fn comparison(text: &str) -> Option<(String, String, String)> {
    let mut it = text.trim().splitn(3, ' ');
    Some((
        it.next()?.to_owned(),
        it.next()?.to_owned(),
        it.next()?.trim().to_owned(),
    ))
}

/// The text inside `prefix'…'`.
fn quoted<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    value
        .strip_prefix(prefix)?
        .strip_prefix('\'')?
        .strip_suffix('\'')
}

fn datetime(value: &str) -> Option<i64> {
    let t = quoted(value, "datetime")?;
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M"))
        .ok()
        .map(|d| d.and_utc().timestamp_millis())
}

fn datetimeoffset(value: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(quoted(value, "datetimeoffset")?)
        .ok()
        .map(|d| d.timestamp_millis())
}

fn time(value: &str) -> Option<i64> {
    let t = quoted(value, "time")?.strip_prefix("PT")?;
    let (h, rest) = t.split_once('H')?;
    let (m, rest) = rest.split_once('M')?;
    let s: i64 = rest.strip_suffix('S')?.split('.').next()?.parse().ok()?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s < 60).then_some(((h * 60 + m) * 60 + s) * 1000)
}

const DAY_MS: i64 = 86_400_000;

fn filter(text: &str) -> Result<Filter, String> {
    let bad = || format!("Invalid or unsupported filter expression: {text}");
    let mut f = Filter::default();
    for part in parts(text, comparison).ok_or_else(bad)? {
        let since = match part {
            Part::Either([(f1, o1, d1), (f2, o2, d2), (f3, o3, t)]) => {
                let shape = [f1.as_str(), &o1, &f2, &o2, &f3, &o3];
                let want = [
                    "LastChangeDate",
                    "gt",
                    "LastChangeDate",
                    "eq",
                    "LastChangeTime",
                    "ge",
                ];
                if shape != want || d1 != d2 {
                    return Err(bad());
                }
                let day = datetime(&d1).ok_or_else(bad)?;
                day - day.rem_euclid(DAY_MS) + time(&t).ok_or_else(bad)?
            }
            Part::One(part) => {
                let (field, op, value) = comparison(&part).ok_or_else(bad)?;
                match (field.as_str(), op.as_str()) {
                    ("Customer", "ne") if value == "''" => continue,
                    ("PurchaseOrderByCustomer", "eq") => {
                        let v = quoted(&value, "").ok_or_else(bad)?;
                        f.purchase_order = Some(v.replace("''", "'"));
                        continue;
                    }
                    ("LastChangeDateTime", "ge") => datetimeoffset(&value).ok_or_else(bad)?,
                    ("LastChangeDateTime", "gt") => datetimeoffset(&value).ok_or_else(bad)? + 1,
                    ("LastChangeDate", "ge") => datetime(&value).ok_or_else(bad)?,
                    ("LastChangeDate", "gt") => {
                        let day = datetime(&value).ok_or_else(bad)?;
                        day - day.rem_euclid(DAY_MS) + DAY_MS
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
    use chrono::{NaiveDate, NaiveTime};

    fn ms(d: &str) -> i64 {
        let t = NaiveDate::parse_from_str(&d[..10], "%Y-%m-%d").expect("date");
        let time = NaiveTime::parse_from_str(&d[11..], "%H:%M:%S").expect("time");
        t.and_time(time).and_utc().timestamp_millis()
    }

    #[test]
    fn reads_the_connector_filters() {
        let o = options(Some(
            "$orderby=LastChangeDate&$filter=Customer%20ne%20''%20and%20(LastChangeDate%20gt%20datetime'2026-03-02T00:00:00'%20or%20(LastChangeDate%20eq%20datetime'2026-03-02T00:00:00'%20and%20LastChangeTime%20ge%20time'PT07H30M05S'))&$skip=40&$skiptoken=10&$top=50&$inlinecount=allpages&$expand=to_Item",
        ))
        .expect("options");
        assert_eq!(o.filter.since_ms, Some(ms("2026-03-02T07:30:05")));
        assert!(o.count && o.expand);
        assert_eq!((o.offset, o.top), (50, Some(50)));
        assert_eq!(o.rest.len(), 4);
        let dto = options(Some(
            "$filter=LastChangeDateTime ge datetimeoffset'2026-03-02T07:30:05.123Z'",
        ))
        .expect("dto");
        assert_eq!(dto.filter.since_ms, Some(ms("2026-03-02T07:30:05") + 123));
        let gt = options(Some(
            "$filter=LastChangeDate gt datetime'2026-03-01T00:00:00'",
        ))
        .expect("gt");
        assert_eq!(gt.filter.since_ms, Some(ms("2026-03-02T00:00:00")));
        let po = options(Some("$filter=PurchaseOrderByCustomer eq 'O''B'&$top=1")).expect("po");
        assert_eq!(po.filter.purchase_order.as_deref(), Some("O'B"));
        assert!(options(Some("$filter=BusinessPartnerFullName eq 'x'")).is_err());
        assert!(options(Some("$top=x")).is_err());
        assert!(options(Some("$format=xml")).is_err());
    }
}
