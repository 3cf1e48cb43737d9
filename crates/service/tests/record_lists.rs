//! The records pages' ERP lists: customers, products, ERP orders and marketplace orders
//! filtered in the core by the seeds' parameters, newest first, keyset-paged, and limited
//! to a token's own system. Run under `scripts/with-keyring.sh`.

mod records_support;

use records_support::{customer, erp_order, host, marketplace_order, product};
use storelink_core::{Actor, AppError, Money, Role};
use storelink_service::erp_lists::{
    CustomerQuery, ErpOrderQuery, MarketplaceOrderQuery, ProductQuery,
};
use storelink_store::erp_records::ErpTable;

#[tokio::test]
async fn customers_filter_by_status_and_name_newest_first_page_by_page() {
    let h = host().await;
    let erp = h.system("总部ERP", "erp", "custom").await;
    h.store(
        ErpTable::Customers,
        &erp,
        &[
            customer("C1", "李四商贸", "active"),
            customer("C2", "张三 100% 纯净水", "active"),
            customer("C3", "王五贸易", "inactive"),
            customer("C4", "李四餐饮", "active"),
        ],
    )
    .await;
    let staff = h.user("waiter", Role::Staff).await;

    let active = h
        .services
        .list_customers(
            &staff,
            CustomerQuery {
                status: Some("active".into()),
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .expect("first page");
    let codes: Vec<_> = active
        .items
        .iter()
        .map(|c| c.external_id.as_str())
        .collect();
    assert_eq!(codes, ["C4", "C2"], "newest first, two per page");
    assert_eq!(active.items[0].name, "李四餐饮");
    assert_eq!(active.items[0].code.as_deref(), Some("C4"));
    let rest = h
        .services
        .list_customers(
            &staff,
            CustomerQuery {
                status: Some("active".into()),
                limit: Some(2),
                cursor: active.next_cursor.clone(),
                ..Default::default()
            },
        )
        .await
        .expect("second page");
    let codes: Vec<_> = rest.items.iter().map(|c| c.external_id.as_str()).collect();
    assert_eq!(codes, ["C1"]);
    assert_eq!(rest.next_cursor, None);

    let named = |name: &str| CustomerQuery {
        name: Some(name.into()),
        system_id: Some(erp.id.to_string()),
        ..Default::default()
    };
    let li = h
        .services
        .list_customers(&staff, named("李四"))
        .await
        .expect("by name");
    assert_eq!(li.items.len(), 2);
    // `%` is searched as typed, not as a wildcard.
    let percent = h
        .services
        .list_customers(&staff, named("0%"))
        .await
        .expect("percent");
    assert_eq!(percent.items.len(), 1);
    assert_eq!(percent.items[0].external_id, "C2");
}

#[tokio::test]
async fn products_orders_and_marketplace_orders_filter_on_their_columns() {
    let h = host().await;
    let erp = h.system("总部ERP", "erp", "custom").await;
    h.store(
        ErpTable::Products,
        &erp,
        &[
            product("P1", "SKU-1", "active", "12.50"),
            product("P2", "SKU-2", "discontinued", "8"),
        ],
    )
    .await;
    h.store(
        ErpTable::Orders,
        &erp,
        &[
            erp_order("O1", "sales", "approved", "100.10"),
            erp_order("O2", "purchase", "approved", "55"),
            erp_order("O3", "sales", "draft", "9.99"),
        ],
    )
    .await;
    h.store(
        ErpTable::MarketplaceOrders,
        &erp,
        &[
            marketplace_order("PO-211-1", "2", "19.90"),
            marketplace_order("PO-211-2", "4", "5"),
        ],
    )
    .await;
    let admin = &h.admin;

    let by_sku = ProductQuery {
        sku: Some("SKU-1".into()),
        ..Default::default()
    };
    let found = h.services.list_products(admin, by_sku).await.expect("sku");
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].standard_price, Some(Money::from_fen(1250)));
    assert_eq!(found.items[0].inventory_quantity.as_deref(), Some("12"));
    let gone = ProductQuery {
        status: Some("discontinued".into()),
        ..Default::default()
    };
    let found = h.services.list_products(admin, gone).await.expect("status");
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].sku, "SKU-2");

    let approved_sales = ErpOrderQuery {
        status: Some("approved".into()),
        order_type: Some("sales".into()),
        ..Default::default()
    };
    let found = h
        .services
        .list_erp_orders(admin, approved_sales)
        .await
        .expect("orders");
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].order_number, "SO-O1");
    assert_eq!(found.items[0].total, Money::from_fen(10010));
    let by_number = ErpOrderQuery {
        order_number: Some("SO-O3".into()),
        ..Default::default()
    };
    let found = h
        .services
        .list_erp_orders(admin, by_number)
        .await
        .expect("number");
    assert_eq!(found.items[0].status_code.as_deref(), Some("draft"));
    let bad_type = ErpOrderQuery {
        order_type: Some("gift".into()),
        ..Default::default()
    };
    match h.services.list_erp_orders(admin, bad_type).await {
        Err(AppError::Validation { errors }) => assert_eq!(errors[0].field, "type"),
        other => panic!("expected a validation error, got {other:?}"),
    }

    let shipped = MarketplaceOrderQuery {
        status: Some("4".into()),
        ..Default::default()
    };
    let found = h
        .services
        .list_marketplace_orders(admin, shipped)
        .await
        .expect("temu");
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].order_sn, "PO-211-2");
    assert_eq!(found.items[0].total, Some(Money::from_fen(500)));
    assert_eq!(found.items[0].currency.as_deref(), Some("USD"));
}

#[tokio::test]
async fn a_system_bound_token_reads_only_its_own_system() {
    let h = host().await;
    let erp = h.system("总部ERP", "erp", "custom").await;
    let other = h.system("门店ERP", "erp", "custom").await;
    h.store(
        ErpTable::Customers,
        &erp,
        &[customer("C1", "李四商贸", "active")],
    )
    .await;
    h.store(
        ErpTable::Customers,
        &other,
        &[customer("D1", "赵六", "active")],
    )
    .await;
    let bound = Actor {
        user_id: None,
        username: "pos-token".into(),
        role: Role::Staff,
        system_id: Some(other.id),
    };

    let own = h
        .services
        .list_customers(&bound, CustomerQuery::default())
        .await
        .expect("own system");
    let ids: Vec<_> = own.items.iter().map(|c| c.external_id.as_str()).collect();
    assert_eq!(ids, ["D1"]);
    let elsewhere = CustomerQuery {
        system_id: Some(erp.id.to_string()),
        ..Default::default()
    };
    let refused = h.services.list_customers(&bound, elsewhere).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
}
