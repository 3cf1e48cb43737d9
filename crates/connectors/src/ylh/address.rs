//! 易理货's order create wants the address split into `province`, `city`, `area` and
//! `detailAddress`; seed 000's delivery info has one line (`北京市朝阳区xxx路xxx号`). The
//! line is split on the administrative suffixes; what cannot be split is sent whole as
//! `detailAddress` with the parts left empty, for the vendor to refuse by name.

/// The four parts of a Chinese address line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressParts {
    pub province: String,
    pub city: String,
    pub area: String,
    /// Always the whole line: the vendor asks for the detail, and the whole line is never
    /// wrong.
    pub detail: String,
}

/// The four municipalities: province and city at once.
const MUNICIPALITIES: &[&str] = &["北京市", "上海市", "天津市", "重庆市"];
const PROVINCE_ENDS: &[&str] = &["特别行政区", "自治区", "省"];
const CITY_ENDS: &[&str] = &["自治州", "地区", "盟", "市"];
const AREA_ENDS: &[&str] = &["自治县", "区", "县", "旗", "市"];

/// The shortest prefix of `text` ending in one of `ends` (at most `max` characters), and
/// the rest.
fn take<'t>(text: &'t str, ends: &[&str], max: usize) -> Option<(&'t str, &'t str)> {
    let mut best: Option<usize> = None;
    for end in ends {
        if let Some(i) = text.find(end) {
            let cut = i + end.len();
            if text[..cut].chars().count() <= max && best.is_none_or(|b| cut < b) {
                best = Some(cut);
            }
        }
    }
    best.map(|cut| text.split_at(cut))
}

pub fn split(line: &str) -> AddressParts {
    let line = line.trim();
    let mut parts = AddressParts {
        detail: line.to_owned(),
        ..Default::default()
    };
    let rest = match MUNICIPALITIES.iter().find(|m| line.starts_with(**m)) {
        Some(m) => {
            parts.province = (*m).to_owned();
            parts.city = (*m).to_owned();
            &line[m.len()..]
        }
        None => {
            let Some((province, rest)) = take(line, PROVINCE_ENDS, 12) else {
                return parts;
            };
            parts.province = province.to_owned();
            match take(rest, CITY_ENDS, 12) {
                Some((city, rest)) => {
                    parts.city = city.to_owned();
                    rest
                }
                None => return parts,
            }
        }
    };
    if let Some((area, _)) = take(rest, AREA_ENDS, 12) {
        parts.area = area.to_owned();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> (String, String, String) {
        let p = split(line);
        assert_eq!(p.detail, line.trim());
        (p.province, p.city, p.area)
    }

    #[test]
    fn splits_provinces_municipalities_and_regions() {
        let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(
            parts("北京市朝阳区xxx路xxx号"),
            s("北京市", "北京市", "朝阳区")
        );
        assert_eq!(
            parts("江苏省南京市鼓楼区中山北路100号"),
            s("江苏省", "南京市", "鼓楼区")
        );
        assert_eq!(
            parts("广西壮族自治区南宁市青秀区民族大道1号"),
            s("广西壮族自治区", "南宁市", "青秀区")
        );
        assert_eq!(
            parts("浙江省杭州市临安区青山湖街道"),
            s("浙江省", "杭州市", "临安区")
        );
        assert_eq!(parts("中山北路100号"), s("", "", ""));
        assert_eq!(parts("山东省某地"), s("山东省", "", ""));
    }
}
