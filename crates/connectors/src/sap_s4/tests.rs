use chrono::TimeZone;
use serde_json::json;

use super::*;

fn connector(auth: Auth) -> SapS4 {
    SapS4::new(SapS4Config {
        base_url: "http://127.0.0.1:9/".into(),
        auth,
        timeout: Duration::from_secs(1),
        customer_filter: "Customer ne ''".into(),
        sales_organization: "1010".into(),
        distribution_channel: "10".into(),
        division: "00".into(),
        order_type: "OR".into(),
        price_condition_type: Some("PR00".into()),
        mappings: Vec::new(),
    })
    .expect("client")
}

fn basic() -> Auth {
    Auth::Basic {
        username: "COMM".into(),
        password: "secret-pass".into(),
    }
}

#[test]
fn list_paths_filter_by_change_time_and_page_with_skip_and_top() {
    let c = connector(basic());
    let since = Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 5).single();
    let r = resource("customers").expect("stream");
    let first = c.list_path(
        "customers",
        &r,
        &PullRequest {
            since,
            page: 1,
            limit: 50,
            ids: Vec::new(),
        },
    );
    assert_eq!(
        first,
        "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner?$orderby=LastChangeDate,LastChangeTime,BusinessPartner&$filter=Customer%20ne%20''%20and%20(LastChangeDate%20gt%20datetime'2026-03-02T00:00:00'%20or%20(LastChangeDate%20eq%20datetime'2026-03-02T00:00:00'%20and%20LastChangeTime%20ge%20time'PT07H30M05S'))&$expand=to_BusinessPartnerAddress%2Fto_PhoneNumber,to_BusinessPartnerAddress%2Fto_EmailAddress,to_BusinessPartnerTax&$top=50&$inlinecount=allpages"
    );
    let r = resource("orders").expect("stream");
    let third = c.list_path(
        "orders",
        &r,
        &PullRequest {
            since,
            page: 3,
            limit: 50,
            ids: Vec::new(),
        },
    );
    assert!(
        third.starts_with("/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder?"),
        "{third}"
    );
    assert!(
        third.contains("LastChangeDateTime%20ge%20datetimeoffset'2026-03-02T07:30:05.000Z'"),
        "{third}"
    );
    assert!(third.contains("&$skip=100&$top=50"), "{third}");
    assert!(resource("invoices").is_err());
}

#[test]
fn change_times_come_from_date_values() {
    let c = connector(basic());
    let r = resource("customers").expect("stream");
    let raw = json!({"BusinessPartner": "C1", "BusinessPartnerFullName": "x",
        "LastChangeDate": "/Date(1772409600000)/", "LastChangeTime": "PT07H30M05S",
        "CreationDate": "/Date(1130112000000)/"});
    let rec = c.record("customers", &r, &raw).expect("record");
    assert_eq!(
        rec.updated_at,
        Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 5).single()
    );
    assert_eq!(
        rec.data["metadata"]["createdAt"],
        "2005-10-24T00:00:00.000Z"
    );
    let never = json!({"BusinessPartner": "C2", "LastChangeDate": null,
        "CreationDate": "/Date(1130112000000)/", "CreationTime": "PT01H00M00S"});
    let rec = c.record("customers", &r, &never).expect("record");
    assert_eq!(
        rec.updated_at,
        Utc.with_ymd_and_hms(2005, 10, 24, 1, 0, 0).single()
    );
    let r = resource("orders").expect("stream");
    let so = json!({"SalesOrder": "12", "LastChangeDateTime": "/Date(1772436605123+0000)/"});
    let rec = c.record("orders", &r, &so).expect("record");
    assert_eq!(
        rec.updated_at.map(|t| t.timestamp_millis()),
        Some(1_772_436_605_123)
    );
    assert!(c.record("orders", &r, &json!({})).is_err());
    assert_eq!(
        SapS4::entity_path("products", &resource("products").expect("p"), "P'1"),
        "/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product('P''1')?$expand=to_Description"
    );
}

#[test]
fn links_never_leave_the_configured_host() {
    let c = connector(basic());
    assert_eq!(
        c.url("https://my1-api.s4hana.ondemand.com/sap/opu/odata/sap/X/A?$skiptoken=20"),
        "http://127.0.0.1:9/sap/opu/odata/sap/X/A?$skiptoken=20"
    );
    assert_eq!(c.url("/sap/x"), "http://127.0.0.1:9/sap/x");
    let r = resource("products").expect("p");
    let d = json!({"__next": "A_Product?$skiptoken=5", "__count": "130"});
    assert_eq!(
        next_link(&d, &r).as_deref(),
        Some("/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product?$skiptoken=5")
    );
    assert_eq!(count(&d), Some(130));
}

#[test]
fn an_order_of_our_model_becomes_a_sales_order_with_exact_decimals() {
    let c = connector(basic());
    let order = json!({
        "orderNumber": "WEB-1001",
        "customer": {"id": "C000001", "code": "C000001"},
        "items": [{"product": {"sku": "P000002"}, "quantity": "2.5", "unit": "PC", "unitPrice": "68.10"}],
        "amounts": {"currency": "CNY", "totalAmount": "170.25"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z"}
    });
    let body = c.order_body(&order).expect("order");
    assert_eq!(
        body,
        json!({"SalesOrderType": "OR", "SalesOrganization": "1010", "DistributionChannel": "10",
            "OrganizationDivision": "00", "SoldToParty": "C000001",
            "PurchaseOrderByCustomer": "WEB-1001", "TransactionCurrency": "CNY",
            "SalesOrderDate": "/Date(1772323200000)/",
            "to_Item": {"results": [{"SalesOrderItem": "10", "Material": "P000002",
                "RequestedQuantity": "2.5", "RequestedQuantityUnit": "PC",
                "to_PricingElement": {"results": [{"ConditionType": "PR00",
                    "ConditionRateValue": "68.10", "ConditionCurrency": "CNY"}]}}]}})
    );
    let float =
        json!({"customer": {"code": "C1"}, "items": [{"product": {"sku": "P"}, "quantity": 1.5}]});
    assert!(c.order_body(&float).is_err(), "no float quantities");
}

#[test]
fn a_local_customer_is_mapped_back_to_writable_fields() {
    let c = connector(basic());
    let ours = json!({"externalId": "C000009", "code": "C000009", "name": "新客户", "type": "company",
        "contacts": [{"phone": "13800138000"}], "metadata": {"status": "active"}});
    let update = c.partner_body(&json!({"record": ours}), fields::VENDOR_OWNED);
    assert_eq!(update["OrganizationBPName1"], "新客户");
    assert_eq!(update["BusinessPartnerCategory"], "2");
    assert_eq!(update["BusinessPartnerIsBlocked"], false);
    assert!(update.get("BusinessPartner").is_none());
    assert_eq!(
        update["to_BusinessPartnerAddress"]["results"][0]["to_PhoneNumber"]["results"][0]
            ["PhoneNumber"],
        "13800138000"
    );
    let person = c.partner_body(&json!({"name": "李", "type": "individual"}), &[]);
    assert_eq!(
        (&person["LastName"], &person["BusinessPartnerCategory"]),
        (&json!("李"), &json!("1"))
    );
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let c = connector(basic());
    assert!(!format!("{:?}", c.config).contains("secret-pass"));
    let o = connector(Auth::OAuth2 {
        client_id: "cid".into(),
        client_secret: "client-secret-x".into(),
        token_url: None,
    });
    assert!(!format!("{:?}", o.config).contains("client-secret-x"));
}
