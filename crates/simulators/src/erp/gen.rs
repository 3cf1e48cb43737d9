//! Deterministic data: every generated record is a pure function of (seed, kind, number),
//! rebuilt on demand, so a million customers cost a few bytes each until one is written.

use super::model::{step_note, Customer, Item, Order, Product, Status, Step};
use super::money::line_amount;

/// SplitMix64: tiny, seedable and stable across releases (a replay stays a replay).
#[derive(Debug, Clone)]
pub(crate) struct SimRng(u64);

impl SimRng {
    pub(crate) fn new(seed: u64) -> SimRng {
        SimRng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0), by multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One random stream per record: `(seed, kind, number)`.
fn stream(seed: u64, kind: u64, n: u32) -> SimRng {
    SimRng::new(mix(
        seed ^ mix((kind << 40) ^ u64::from(n)).wrapping_add(kind)
    ))
}

fn pick<'a>(rng: &mut SimRng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "晨", "宇", "欣", "子涵", "浩然", "雨萱",
];
const FIRM_WORDS: &[&str] = &[
    "恒盛", "华宇", "鑫源", "金泰", "瑞丰", "嘉禾", "宏达", "永兴", "德顺", "佳美", "鼎盛", "万通",
    "天润", "荣昌", "和信", "新元",
];
const FIRM_SUFFIXES: &[&str] = &[
    "贸易有限公司",
    "餐饮管理有限公司",
    "食品有限公司",
    "商贸有限公司",
    "科技有限公司",
    "超市有限公司",
    "供应链有限公司",
];
/// (province, city, district)
const PLACES: &[(&str, &str, &str)] = &[
    ("北京市", "北京市", "朝阳区"),
    ("上海市", "上海市", "浦东新区"),
    ("广东省", "广州市", "天河区"),
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("江苏省", "苏州市", "姑苏区"),
    ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "江汉区"),
    ("陕西省", "西安市", "雁塔区"),
    ("山东省", "青岛市", "市南区"),
    ("福建省", "厦门市", "思明区"),
];
const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "新华路",
    "文化路",
    "长江路",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "191", "198", "199",
];
const MAIL_DOMAINS: &[&str] = &["qq.com", "163.com", "126.com", "sina.com", "example.cn"];
const CATEGORIES: &[&str] = &[
    "热菜",
    "主食",
    "饮料",
    "生鲜",
    "粮油调味",
    "日用品",
    "乳品烘焙",
];
/// (name, unit, category index, base price in fen)
const GOODS: &[(&str, &str, usize, i64)] = &[
    ("宫保鸡丁", "份", 0, 6800),
    ("鱼香肉丝", "份", 0, 4200),
    ("麻婆豆腐", "份", 0, 2800),
    ("红烧肉", "份", 0, 7800),
    ("白米饭", "份", 1, 300),
    ("牛肉面", "份", 1, 2600),
    ("可口可乐", "瓶", 2, 350),
    ("矿泉水", "瓶", 2, 200),
    ("鲜榨橙汁", "杯", 2, 1800),
    ("苹果", "kg", 3, 1290),
    ("香蕉", "kg", 3, 690),
    ("五花肉", "kg", 3, 3200),
    ("鸡蛋", "盒", 3, 1590),
    ("大米", "袋", 4, 5990),
    ("食用油", "桶", 4, 7990),
    ("酱油", "瓶", 4, 1290),
    ("纸巾", "包", 5, 990),
    ("洗洁精", "瓶", 5, 1490),
    ("牛奶", "盒", 6, 590),
    ("面包", "个", 6, 890),
];
const VARIANTS: &[&str] = &["标准装", "家庭装", "特惠装", "精选", "经典", "大份", "小份"];
const TAX_RATES: &[&str] = &["0.13", "0.09", "0.06"];
const TAX_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

const CUSTOMER: u64 = 1;
const PRODUCT: u64 = 2;
const ORDER: u64 = 3;

/// What was generated: how many of each, from which seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gen {
    pub seed: u64,
    pub customers: u32,
    pub products: u32,
}

pub(crate) fn person(rng: &mut SimRng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

impl Gen {
    pub(crate) fn customer(&self, n: u32) -> Customer {
        let mut r = stream(self.seed, CUSTOMER, n);
        let company = r.below(10) < 6;
        let (province, city, district) = PLACES[r.below(PLACES.len() as u64) as usize];
        let contact = person(&mut r);
        let name = if company {
            let short = city.trim_end_matches('市');
            format!(
                "{short}{}{}",
                pick(&mut r, FIRM_WORDS),
                pick(&mut r, FIRM_SUFFIXES)
            )
        } else {
            contact.clone()
        };
        let phone = format!(
            "{}{:08}",
            pick(&mut r, MOBILE_PREFIXES),
            r.below(100_000_000)
        );
        let tax_number = if company {
            let mut t = String::from("91");
            for _ in 0..16 {
                t.push(char::from(
                    TAX_ALPHABET[r.below(TAX_ALPHABET.len() as u64) as usize],
                ));
            }
            t
        } else {
            String::new()
        };
        let credit = if company {
            (10 + r.below(491) as i64) * 100_000
        } else {
            0
        };
        Customer {
            code: format!("CUST-{n:06}"),
            name,
            kind: (if company { "company" } else { "individual" }).to_owned(),
            contact_name: contact,
            contact_phone: phone,
            email: format!("kehu{n}@{}", pick(&mut r, MAIL_DOMAINS)),
            address: format!("{district}{}{}号", pick(&mut r, ROADS), 1 + r.below(300)),
            city: city.to_owned(),
            province: province.to_owned(),
            tax_number,
            credit_limit_fen: credit,
            status: (if r.below(10) < 9 {
                "active"
            } else {
                "inactive"
            })
            .to_owned(),
        }
    }

    pub(crate) fn product(&self, n: u32) -> Product {
        let mut r = stream(self.seed, PRODUCT, n);
        let (good, unit, category, base) = GOODS[r.below(GOODS.len() as u64) as usize];
        let variant = pick(&mut r, VARIANTS);
        // Base price ±30 %, to the ten fen.
        let price = (base * (70 + r.below(61) as i64) / 100 / 10).max(1) * 10;
        let status = match r.below(20) {
            0 => "discontinued",
            1 | 2 => "inactive",
            _ => "active",
        };
        let quantity_milli = if unit == "kg" {
            r.below(2000) as i64 * 100
        } else {
            r.below(500) as i64 * 1000
        };
        Product {
            sku: format!("SKU-{n:06}"),
            name: format!("{good}（{variant}）"),
            description: format!("{good}，{variant}，{}", CATEGORIES[category]),
            category_id: format!("CAT-{}", category + 1),
            category_name: CATEGORIES[category].to_owned(),
            price_fen: price,
            cost_fen: price * (50 + r.below(31) as i64) / 100,
            currency: "CNY".to_owned(),
            unit: unit.to_owned(),
            tax_rate: pick(&mut r, TAX_RATES).to_owned(),
            status: status.to_owned(),
            quantity_milli,
            warehouse: format!("WH-{}", 1 + r.below(3)),
        }
    }

    /// Order `n` as generated, last changed at `updated_ms`. Odd `n` are pending.
    pub(crate) fn order(&self, n: u32, updated_ms: i64) -> Order {
        let mut r = stream(self.seed, ORDER, n);
        let customer = 1 + r.below(u64::from(self.customers)) as u32;
        let lines = 1 + r.below(4);
        let mut items = Vec::with_capacity(lines as usize);
        for _ in 0..lines {
            let pn = 1 + r.below(u64::from(self.products)) as u32;
            let p = self.product(pn);
            let quantity_milli = if p.unit == "kg" {
                (1 + r.below(6) as i64) * 500
            } else {
                (1 + r.below(5) as i64) * 1000
            };
            items.push(Item {
                product_id: product_id(pn),
                sku: p.sku,
                name: p.name,
                quantity_milli,
                unit_price_fen: p.price_fen,
                amount_fen: line_amount(quantity_milli, p.price_fen),
            });
        }
        let drawn = match r.below(10) {
            0..=2 => Status::Pending,
            3 | 4 => Status::Confirmed,
            5 | 6 => Status::Shipped,
            7 | 8 => Status::Delivered,
            _ => Status::Cancelled,
        };
        // Odd-numbered orders are open (pending), so tests find one at a known id
        // (O000001, O000003...); even-numbered ones are spread over every status.
        let status = if n % 2 == 1 { Status::Pending } else { drawn };
        let created_ms = updated_ms - r.below(3 * 24 * 3600 * 1000) as i64;
        let path: &[Status] = match status {
            Status::Cancelled => &[Status::Pending, Status::Cancelled],
            s => {
                let end = Status::ALL.iter().position(|x| *x == s).unwrap_or(0);
                &Status::ALL[..=end]
            }
        };
        let steps = path.len() as i64;
        let timeline = path
            .iter()
            .enumerate()
            .map(|(i, s)| Step {
                status: *s,
                at_ms: if steps == 1 {
                    updated_ms
                } else {
                    created_ms + (updated_ms - created_ms) * i as i64 / (steps - 1)
                },
                notes: step_note(*s).to_owned(),
            })
            .collect();
        Order {
            order_number: format!("SO-{n:06}"),
            kind: "sales".to_owned(),
            customer_id: customer_id(customer),
            customer_name: self.customer(customer).name,
            status,
            currency: "CNY".to_owned(),
            items,
            created_ms: if steps == 1 { updated_ms } else { created_ms },
            timeline,
            reference: None,
        }
    }
}

pub(crate) fn customer_id(n: u32) -> String {
    format!("C{n:06}")
}

pub(crate) fn product_id(n: u32) -> String {
    format!("P{n:06}")
}

pub(crate) fn order_id(n: u32) -> String {
    format!("O{n:06}")
}

/// `"C000123"` → 123, only in the canonical spelling (so `C123` is not `C000123`).
pub(crate) fn parse_id(prefix: char, id: &str) -> Option<u32> {
    let digits = id.strip_prefix(prefix)?;
    let n: u32 = digits.parse().ok()?;
    (digits.bytes().all(|b| b.is_ascii_digit()) && format!("{n:06}") == digits && n > 0)
        .then_some(n)
}

/// Distinct `updated_at` instants for every generated record, spread over
/// `[start_ms, end_ms)`: record `i` of kind `k` gets `times[k][i]`. No two records share a
/// millisecond, so the (updated_at, id) order is the updated_at order.
pub(crate) fn timestamps(seed: u64, counts: [u32; 3], start_ms: i64, end_ms: i64) -> [Vec<i64>; 3] {
    let total: u64 = counts.iter().map(|c| u64::from(*c)).sum();
    let width = ((end_ms - start_ms).max(1) as u64 / total.max(1)).max(1);
    let mut slots: Vec<u32> = (0..total as u32).collect();
    let mut rng = SimRng::new(mix(seed ^ 0x7157_4A3E));
    for i in (1..slots.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        slots.swap(i, j);
    }
    let mut next = slots.into_iter();
    counts.map(|count| {
        (0..count)
            .map(|_| {
                let slot = u64::from(next.next().unwrap_or(0));
                start_ms + (slot * width + rng.below(width)) as i64
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_records_are_deterministic_and_well_formed() {
        let g = Gen {
            seed: 7,
            customers: 50,
            products: 20,
        };
        for n in 1..=50 {
            let c = g.customer(n);
            assert_eq!(c.name, g.customer(n).name);
            let p = c.contact_phone.as_bytes();
            assert_eq!(p.len(), 11, "{}", c.contact_phone);
            assert!(p[0] == b'1' && (b'3'..=b'9').contains(&p[1]));
            assert!(c.contact_phone.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(c.tax_number.is_empty(), c.kind == "individual");
        }
        for n in 1..=20 {
            let p = g.product(n);
            assert!(p.price_fen > 0 && p.cost_fen < p.price_fen);
        }
        for n in 1..=30 {
            let o = g.order(n, 1_700_000_000_000);
            assert!(!o.items.is_empty());
            let sum: i64 = o.items.iter().map(|i| i.amount_fen).sum();
            assert_eq!(o.total_fen(), sum);
            assert_eq!(o.timeline.last().map(|s| s.status), Some(o.status));
            if n % 2 == 1 {
                assert_eq!(o.status, Status::Pending);
            }
            assert_eq!(o.timeline.last().map(|s| s.at_ms), Some(1_700_000_000_000));
        }
        assert_eq!(parse_id('C', "C000123"), Some(123));
        assert_eq!(parse_id('C', "C1000000"), Some(1_000_000));
        assert_eq!(parse_id('C', "C123"), None);
        assert_eq!(parse_id('C', "P000123"), None);
        assert_eq!(parse_id('C', "C000000"), None);
    }

    #[test]
    fn timestamps_are_distinct_and_in_range() {
        let t = timestamps(1, [100, 50, 25], 1000, 1_000_000);
        let mut all: Vec<i64> = t.iter().flatten().copied().collect();
        assert_eq!(all.len(), 175);
        assert!(all.iter().all(|x| (1000..1_000_000).contains(x)));
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 175);
    }
}
