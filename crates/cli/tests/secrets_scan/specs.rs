//! The settings of every system of the secrets scan: its simulator's address, the config
//! its connector needs, and the secrets (the values the simulator was started with).

use serde_json::{json, Value};
use storelink_simulators::generic::System as Generic;

use super::fleet::Sims;

fn fast(vendor: Value) -> Value {
    let mut config = json!({"page_size": 20, "rate_limit_per_second": 1000, "timeout_ms": 3000,
        "lookback_seconds": 0, "retryPolicy": {"maxRetries": 1, "initialDelay": 10, "maxDelay": 20}});
    if let (Some(c), Value::Object(v)) = (config.as_object_mut(), vendor) {
        c.extend(v);
    }
    config
}

/// `(type, provider, endpoint, config, secrets)` of a system.
type Spec = (
    &'static str,
    &'static str,
    String,
    Value,
    Vec<(&'static str, String)>,
);

/// Every system's spec.
pub fn specs(s: &Sims) -> Vec<Spec> {
    let (k, h, y) = (s.kingdee.config(), s.haier.config(), s.ylh.config());
    let (g0, g1) = (s.generic[0].config(), s.generic[1].config());
    vec![
        (
            "erp",
            "custom",
            s.erp.base_url(),
            fast(json!({"username": "storelink"})),
            vec![("password", "custom_erp-password".into())],
        ),
        (
            "erp",
            "kingdee",
            s.kingdee.base_url(),
            fast(
                json!({"acct_id": k.acct_id, "username": k.username, "app_id": k.app_id, "login": "app_secret"}),
            ),
            vec![("app_secret", k.app_secret.clone())],
        ),
        (
            "erp",
            "yonyou_u8",
            s.u8.base_url(),
            fast(
                json!({"app_key": s.u8.config().app_key, "from_account": s.u8.config().from_account}),
            ),
            vec![("app_secret", s.u8.config().app_secret.clone())],
        ),
        (
            "erp",
            "yonsuite",
            s.yonsuite.base_url(),
            fast(
                json!({"app_key": s.yonsuite.config().app_key, "token_url": s.yonsuite.base_url()}),
            ),
            vec![("app_secret", s.yonsuite.config().app_secret.clone())],
        ),
        (
            "erp",
            "sap_b1",
            s.b1.base_url(),
            fast(json!({"company_db": "SBODEMOCN", "username": "manager"})),
            vec![("password", "sap_b1-password".into())],
        ),
        (
            "erp",
            "sap_s4",
            s.s4.base_url(),
            fast(
                json!({"auth": "basic", "username": s.s4.config().username, "price_condition_type": "PR00"}),
            ),
            vec![("password", s.s4.config().password.clone())],
        ),
        (
            "supplier",
            "haier",
            s.haier.base_url(),
            fast(
                json!({"client_id": h.client_id, "customer_code": h.customer_code,
                "send_to_code": h.send_to_code, "county_code": "370202",
                "product_codes": s.haier.product_codes()}),
            ),
            vec![
                ("client_secret", h.client_secret.clone()),
                ("password", h.password.clone()),
                ("seller_password", h.seller_password.clone()),
            ],
        ),
        (
            "supplier",
            "ylh",
            s.ylh.base_url(),
            fast(
                json!({"client_id": y.client_id, "username": y.username, "app_key": y.app_key,
                "source_system": "storelink", "shop_name": "智链旗舰店"}),
            ),
            vec![
                ("client_secret", y.client_secret.clone()),
                ("password", y.password.clone()),
                ("callback_secret", y.callback_secret.clone()),
            ],
        ),
        (
            "ecommerce",
            "temu",
            s.temu.base_url(),
            fast(json!({"app_key": s.temu.config().app_key})),
            vec![
                ("app_secret", s.temu.config().app_secret.clone()),
                ("access_token", s.temu.config().access_token.clone()),
            ],
        ),
        (
            "reservation",
            "yiding",
            s.yiding.api_endpoint(),
            fast(json!({})),
            vec![("api_key", s.yiding.config().api_key.clone())],
        ),
        (
            "pos",
            "meituan",
            s.generic[0].url(Generic::Pos),
            fast(json!({})),
            vec![("api_key", g0.pos_api_key.clone())],
        ),
        (
            "pos",
            "generic",
            s.generic[1].url(Generic::Pos),
            fast(json!({})),
            vec![("api_key", g1.pos_api_key.clone())],
        ),
        (
            "supplier",
            "shuhai",
            s.generic[0].url(Generic::Supplier),
            fast(json!({})),
            vec![("api_key", g0.supplier_api_key.clone())],
        ),
        (
            "supplier",
            "generic",
            s.generic[1].url(Generic::Supplier),
            fast(json!({})),
            vec![("api_key", g1.supplier_api_key.clone())],
        ),
        (
            "member",
            "wechat",
            s.generic[0].url(Generic::Member),
            fast(json!({})),
            vec![("api_key", g0.member_api_key.clone())],
        ),
        (
            "member",
            "generic",
            s.generic[1].url(Generic::Member),
            fast(json!({})),
            vec![("api_key", g1.member_api_key.clone())],
        ),
        // No connector serves these yet: the secrets are kept all the same.
        (
            "payment",
            "generic",
            "http://127.0.0.1:9/payment".into(),
            fast(json!({})),
            vec![("api_key", String::new())],
        ),
        (
            "delivery",
            "generic",
            "http://127.0.0.1:9/delivery".into(),
            fast(json!({})),
            vec![("api_key", String::new())],
        ),
    ]
}
