use chrono::TimeZone;
use serde_json::json;

use super::*;

fn connector(offset: i64) -> SapB1 {
    SapB1::new(SapB1Config {
        base_url: "http://127.0.0.1:9/b1s/v1/".into(),
        company_db: "SBODEMO".into(),
        username: "manager".into(),
        password: "secret-pass".into(),
        timeout: Duration::from_secs(1),
        utc_offset_minutes: offset,
        tax_code: Some("X0".into()),
        mappings: Vec::new(),
    })
    .expect("client")
}

#[test]
fn list_paths_filter_by_change_time_and_page_by_skip() {
    let c = connector(480);
    let since = Utc.with_ymd_and_hms(2026, 3, 1, 23, 30, 5).single();
    let r = resource("customers").expect("stream");
    let first = c.list_path(
        &r,
        &PullRequest {
            since,
            page: 1,
            limit: 50,
            ids: Vec::new(),
        },
    );
    // 23:30:05 UTC is 07:30:05 the next day at +08:00, the server's clock.
    assert_eq!(
        first,
        "BusinessPartners?$orderby=UpdateDate,UpdateTime,CardCode&$filter=CardType%20eq%20'cCustomer'%20and%20(UpdateDate%20gt%20'2026-03-02'%20or%20(UpdateDate%20eq%20'2026-03-02'%20and%20UpdateTime%20ge%20'07:30:05'))&$inlinecount=allpages"
    );
    let r = resource("orders").expect("stream");
    let third = c.list_path(
        &r,
        &PullRequest {
            since: None,
            page: 3,
            limit: 50,
            ids: Vec::new(),
        },
    );
    assert_eq!(
        third,
        "Orders?$orderby=UpdateDate,UpdateTime,DocEntry&$skip=100"
    );
    assert!(resource("invoices").is_err());
}

#[test]
fn change_times_and_keys() {
    let c = connector(480);
    let raw = json!({"CardCode": "C1", "UpdateDate": "2026-03-02", "UpdateTime": "07:30:05"});
    let rec = c.record("customers", "CardCode", &raw).expect("record");
    assert_eq!(
        rec.updated_at,
        Utc.with_ymd_and_hms(2026, 3, 1, 23, 30, 5).single()
    );
    let raw = json!({"DocEntry": 12, "UpdateDate": "2026-03-02T00:00:00Z"});
    let rec = c.record("orders", "DocEntry", &raw).expect("record");
    assert_eq!(rec.external_id, "12");
    assert!(c.record("orders", "DocEntry", &json!({})).is_err());
    let r = resource("customers").expect("stream");
    assert_eq!(
        SapB1::entity_path(&r, "C'1").as_deref(),
        Some("BusinessPartners('C''1')")
    );
    let r = resource("orders").expect("stream");
    assert_eq!(SapB1::entity_path(&r, "12").as_deref(), Some("Orders(12)"));
    assert_eq!(SapB1::entity_path(&r, "O1"), None);
    assert_eq!(
        c.url("Items?$skip=20"),
        "http://127.0.0.1:9/b1s/v1/Items?$skip=20"
    );
    assert_eq!(
        c.url("/b1s/v1/Items?$skip=20"),
        "http://127.0.0.1:9/b1s/v1/Items?$skip=20"
    );
}

#[test]
fn an_order_of_our_model_becomes_a_sales_order_with_exact_decimals() {
    let c = connector(0);
    let order = json!({
        "orderNumber": "WEB-1001",
        "customer": {"id": "C000001", "code": "C000001", "name": "x"},
        "items": [
            {"lineNumber": 1, "product": {"id": "P1", "sku": "P000002", "name": "y"},
             "quantity": "2.5", "unitPrice": "68.10", "discount": 0, "subtotal": "170.25"}
        ],
        "amounts": {"currency": "CNY", "totalAmount": "170.25"},
        "payment": {"dueDate": "2026-04-01T00:00:00Z"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z"}
    });
    let body = to_text(&c.order_body(&order).expect("order"));
    assert_eq!(
        body,
        r#"{"CardCode":"C000001","Comments":null,"DocCurrency":"CNY","DocDate":"2026-03-01","DocDueDate":"2026-04-01","DocumentLines":[{"DiscountPercent":0,"ItemCode":"P000002","LineNum":0,"Price":68.10,"Quantity":2.5,"TaxCode":"X0"}],"NumAtCard":"WEB-1001"}"#
            .replace("\"Comments\":null,", "")
    );
    assert!(c
        .order_body(&json!({"customer": {"code": "C1"}, "items": []}))
        .is_err());
}

#[test]
fn a_local_customer_is_mapped_back_to_sap_fields() {
    let c = connector(0);
    let ours = json!({"externalId": "C000009", "code": "C000009", "name": "新客户", "type": "company",
        "contacts": [{"phone": "13800138000"}], "financialInfo": {"creditLimit": "5000.00"},
        "metadata": {"status": "active", "updatedAt": "2026-03-01"}});
    let body = to_text(&c.partner_body(&json!({"record": ours}), fields::VENDOR_OWNED));
    assert_eq!(
        body,
        r#"{"CardName":"新客户","CompanyPrivate":"cCompany","CreditLimit":5000.00,"Phone1":"13800138000","Valid":"tYES"}"#
    );
    let create = to_text(&c.partner_body(&ours, &["UpdateDate"]));
    assert!(create.contains(r#""CardCode":"C000009""#), "{create}");
}

fn to_text(v: &Value) -> String {
    wire::to_json_text(v)
}

#[test]
fn the_password_stays_out_of_debug_output() {
    let c = connector(0);
    assert!(!format!("{:?}", c.config).contains("secret-pass"));
}
