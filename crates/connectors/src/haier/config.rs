//! The settings of a Haier system, read once when the connector is built. Everything the
//! transcription does not record (reply envelope, error codes, category and brand
//! endpoints) is a setting here with a documented default (see the module docs).

use std::time::Duration;

use serde_json::Value;
use storelink_core::error::{AppError, Rule};

use super::mapping::{default_mapping, mappable_fields, STREAMS};
use super::reply::ReplyShape;
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

pub const TOKEN_PATH: &str = "/oauth2/auth";
pub const PRODUCTS_PATH: &str = "/yilihuo/jsh-service-goods-mall-search/api/product-info/procurable-products-out/check-procurable-products";
pub const PRICES_PATH: &str =
    "/yilihuo/jsh-service-goods-price/api/goods-price/price-daily-sales/price-query/pt-out-list-price";
pub const STOCK_PATH: &str =
    "/yilihuo/jsh-service-stock-mall/api/page/stock/get-available-stock-open";
pub const LOGISTICS_PATH: &str = "/yilihuo/ylh-cloud-service-stock/api/page/stock/logistics/sass/get-thirdparty-logistics-info-by-order-code-auth";
/// The vendor's limit on product codes per product info or price call.
pub const MAX_PRODUCT_CODES: usize = 20;
/// The three lists of a logistics reply, in the order the first non-empty one is taken.
pub const LOGISTICS_LISTS: [&str; 3] = [
    "getStockDeliveryLogisticsRecordThirdparty",
    "getStockDeliveryLogisticsRecord",
    "getAllLogisticsInfoByOrderCode",
];

/// Where each call goes, relative to `api_endpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub products: String,
    pub prices: String,
    pub stock: String,
    pub logistics: String,
    /// Not recorded: only called when configured.
    pub categories: Option<String>,
    pub brands: Option<String>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            products: PRODUCTS_PATH.to_owned(),
            prices: PRICES_PATH.to_owned(),
            stock: STOCK_PATH.to_owned(),
            logistics: LOGISTICS_PATH.to_owned(),
            categories: None,
            brands: None,
        }
    }
}

#[derive(Clone)]
pub struct HaierConfig {
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// `Bearer` (the transcription's curl examples); empty sends the bare token.
    pub auth_scheme: String,
    pub customer_code: String,
    pub send_to_code: String,
    pub supplier_code: String,
    /// `sellerCode` of logistics calls; the customer code unless set.
    pub seller_code: String,
    pub county_code: Option<String>,
    /// Empty: every procurable product (the vendor's answer when no code is given).
    pub product_codes: Vec<String>,
    /// At most [`MAX_PRODUCT_CODES`].
    pub batch_size: usize,
    pub sync_prices: bool,
    pub sync_stock: bool,
    pub price_type: String,
    pub stock_source: String,
    pub search_type: String,
    /// `passWord` of product info and price calls.
    pub password: String,
    /// `sellerPassword` of stock and logistics calls.
    pub seller_password: Option<String>,
    pub paths: Paths,
    pub reply: ReplyShape,
    pub logistics_lists: Vec<String>,
    pub timeout: Duration,
    pub mappings: Vec<(String, FieldMapping)>,
}

impl std::fmt::Debug for HaierConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log line.
        f.debug_struct("HaierConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("customer_code", &self.customer_code)
            .field("product_codes", &self.product_codes.len())
            .finish_non_exhaustive()
    }
}

impl HaierConfig {
    /// The defaults around the values every system must give.
    pub fn new(base_url: &str, client_id: &str, client_secret: &str, customer_code: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        HaierConfig {
            token_url: format!("{base_url}{TOKEN_PATH}"),
            base_url,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            auth_scheme: "Bearer".to_owned(),
            customer_code: customer_code.to_owned(),
            send_to_code: customer_code.to_owned(),
            supplier_code: "1001".to_owned(),
            seller_code: customer_code.to_owned(),
            county_code: None,
            product_codes: Vec::new(),
            batch_size: MAX_PRODUCT_CODES,
            sync_prices: true,
            sync_stock: true,
            price_type: "PT".to_owned(),
            stock_source: "JSH-B".to_owned(),
            search_type: "PTJSH".to_owned(),
            password: String::new(),
            seller_password: None,
            paths: Paths::default(),
            reply: ReplyShape::default(),
            logistics_lists: LOGISTICS_LISTS.iter().map(|s| (*s).to_owned()).collect(),
            timeout: Duration::from_secs(30),
            mappings: Vec::new(),
        }
    }
}

pub(super) fn invalid(key: &str, rule: Rule, message: impl Into<String>) -> AppError {
    AppError::field(format!("config.{key}"), rule, message)
}

fn flag(settings: &ConnectorSettings, key: &str, default: bool) -> Result<bool, AppError> {
    match settings.config.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(
            key,
            Rule::OneOf {
                allowed: vec!["true".into(), "false".into()],
            },
            format!("config.{key} is true or false"),
        )),
    }
}

pub(super) fn texts(v: &Value) -> Option<Vec<String>> {
    let items: Vec<String> = match v {
        Value::Array(list) => list
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<_>>()?,
        // A comma- or whitespace-separated text, as typed into a settings form.
        Value::String(s) => s
            .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
            .map(str::to_owned)
            .collect(),
        Value::Null => Vec::new(),
        _ => return None,
    };
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    Some(out)
}

fn text_list(settings: &ConnectorSettings, key: &str) -> Result<Option<Vec<String>>, AppError> {
    match settings.config.get(key) {
        None => Ok(None),
        Some(v) => texts(v)
            .map(Some)
            .ok_or_else(|| invalid(key, Rule::Json, format!("config.{key} is a list of texts"))),
    }
}

fn path_setting(settings: &ConnectorSettings, key: &str) -> Result<Option<String>, AppError> {
    let Some(p) = settings.config.get("paths").and_then(|p| p.get(key)) else {
        return Ok(None);
    };
    match p.as_str().map(str::trim) {
        Some(p) if p.starts_with('/') => Ok(Some(p.to_owned())),
        _ => Err(invalid(
            &format!("paths.{key}"),
            Rule::Format {
                expected: "a path starting with `/`".into(),
            },
            format!("config.paths.{key} is a path under the API endpoint"),
        )),
    }
}

/// Reads a system's settings (keys in the module docs).
pub fn from_settings(settings: &ConnectorSettings) -> Result<HaierConfig, AppError> {
    let mut c = HaierConfig::new(
        &settings.base_url()?,
        &settings.text("client_id", "the Haier open platform client ID")?,
        &settings.secret("client_secret", "the Haier open platform client secret")?,
        &settings.text("customer_code", "the Haier customer (售达方) code")?,
    );
    c.password = settings.secret("password", "the agreed Haier password (约定密码)")?;
    c.seller_password = settings.secrets.get("seller_password").cloned();
    let text_or = |key: &str, slot: &mut String| {
        if let Some(v) = settings.optional_text(key) {
            *slot = v.trim().to_owned();
        }
    };
    text_or("token_url", &mut c.token_url);
    text_or("send_to_code", &mut c.send_to_code);
    text_or("supplier_code", &mut c.supplier_code);
    text_or("price_type", &mut c.price_type);
    text_or("stock_source", &mut c.stock_source);
    text_or("search_type", &mut c.search_type);
    c.seller_code = settings
        .optional_text("seller_code")
        .unwrap_or_else(|| c.customer_code.clone());
    if let Some(scheme) = settings.config.get("auth_scheme").and_then(Value::as_str) {
        c.auth_scheme = scheme.trim().to_owned();
    }
    c.county_code = settings
        .optional_text("county_code")
        .map(|s| s.trim().to_owned());
    if let Some(county) = &c.county_code {
        if county.len() != 6 || !county.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "county_code",
                Rule::Format {
                    expected: "the 6-digit national area code of a county, e.g. 110101".into(),
                },
                format!("`{county}` is not a 6-digit county code"),
            ));
        }
    }
    c.product_codes = text_list(settings, "product_codes")?.unwrap_or_default();
    c.sync_prices = flag(settings, "sync_prices", true)?;
    c.sync_stock = flag(settings, "sync_stock", true)?;
    if c.sync_stock && c.county_code.is_none() {
        return Err(invalid(
            "county_code",
            Rule::Required,
            "stock is read for one county: set config.county_code or turn sync_stock off",
        ));
    }
    if let Some(n) = settings.config.get("product_batch_size") {
        let max = MAX_PRODUCT_CODES as i64;
        match n.as_i64().filter(|n| (1..=max).contains(n)) {
            Some(n) => c.batch_size = n as usize,
            None => {
                return Err(invalid(
                    "product_batch_size",
                    Rule::OutOfRange { min: 1, max },
                    format!("Haier takes at most {max} product codes per call"),
                ))
            }
        }
    }
    let defaults = Paths::default();
    c.paths = Paths {
        products: path_setting(settings, "products")?.unwrap_or(defaults.products),
        prices: path_setting(settings, "prices")?.unwrap_or(defaults.prices),
        stock: path_setting(settings, "stock")?.unwrap_or(defaults.stock),
        logistics: path_setting(settings, "logistics")?.unwrap_or(defaults.logistics),
        categories: path_setting(settings, "categories")?,
        brands: path_setting(settings, "brands")?,
    };
    c.reply = super::reply::reply_shape(settings)?;
    if let Some(lists) = text_list(settings, "logistics_lists")? {
        c.logistics_lists = lists;
    }
    c.timeout = settings.timeout();
    c.mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    Ok(c)
}
