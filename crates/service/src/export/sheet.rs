//! What an exported file holds per list: the header (in the person's language) and one
//! row of cells per record, in the same column order. Values stay as the core has them:
//! status and type names as the seeds spell them, money as exact yuan text, times in the
//! store's local time (UTC+8, as the lists' time filters read them).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use storelink_core::member::MemberSync;
use storelink_core::pos::PosTransaction;
use storelink_core::supplier::SupplierOrder;
use storelink_core::{vendor_time, Money};
use uuid::Uuid;

use super::{ExportLanguage, RecordKind};
use crate::erp_lists::{CustomerRecord, ErpOrderRecord, MarketplaceOrderRecord, ProductRecord};

/// One cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Money(Money),
    Time(DateTime<Utc>),
    Empty,
}

impl Cell {
    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    fn opt(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, Cell::text)
    }

    fn opt_time(value: Option<DateTime<Utc>>) -> Cell {
        value.map_or(Cell::Empty, Cell::Time)
    }

    fn opt_money(value: Option<Money>) -> Cell {
        value.map_or(Cell::Empty, Cell::Money)
    }

    /// Local time of the store, to the second: what a person reads in a spreadsheet.
    pub fn local_time(t: DateTime<Utc>) -> String {
        t.with_timezone(&vendor_time::china_offset())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
}

pub(crate) type Row = Vec<Cell>;

/// Columns as (Chinese, English) header pairs, per list.
const POS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("交易时间", "Transaction time"),
    ("交易号", "Transaction ID"),
    ("订单号", "Order number"),
    ("门店", "Store"),
    ("类型", "Type"),
    ("原交易号", "Original transaction"),
    ("小计", "Subtotal"),
    ("税额", "Tax"),
    ("折扣", "Discount"),
    ("合计", "Total"),
    ("支付方式", "Payment method"),
    ("商品", "Items"),
    ("同步状态", "Sync status"),
];

const SUPPLIER_ORDERS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("订单号", "Order number"),
    ("供应商编号", "Supplier ID"),
    ("供应商", "Supplier"),
    ("类型", "Type"),
    ("状态", "Status"),
    ("小计", "Subtotal"),
    ("税额", "Tax"),
    ("运费", "Shipping"),
    ("合计", "Total"),
    ("商品", "Items"),
    ("下单时间", "Order date"),
    ("预计送达", "Expected delivery"),
    ("实际送达", "Actual delivery"),
    ("门店", "Store"),
];

const MEMBERS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("会员编号", "Member ID"),
    ("外部会员编号", "External member ID"),
    ("姓名", "Name"),
    ("手机号", "Phone"),
    ("邮箱", "Email"),
    ("等级", "Level"),
    ("积分", "Points"),
    ("余额", "Balance"),
    ("同步状态", "Sync status"),
    ("最近活动", "Last activity"),
];

const CUSTOMERS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("外部编号", "External ID"),
    ("客户编码", "Code"),
    ("名称", "Name"),
    ("状态", "Status"),
    ("来源更新时间", "Updated at source"),
    ("本地更新时间", "Updated locally"),
];

const PRODUCTS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("外部编号", "External ID"),
    ("SKU", "SKU"),
    ("名称", "Name"),
    ("状态", "Status"),
    ("标准价", "Standard price"),
    ("库存", "Stock"),
    ("来源更新时间", "Updated at source"),
    ("本地更新时间", "Updated locally"),
];

const ERP_ORDERS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("外部编号", "External ID"),
    ("订单号", "Order number"),
    ("类型", "Type"),
    ("状态", "Status"),
    ("合计", "Total"),
    ("来源更新时间", "Updated at source"),
    ("本地更新时间", "Updated locally"),
];

const MARKETPLACE_ORDERS: &[(&str, &str)] = &[
    ("系统", "System"),
    ("外部编号", "External ID"),
    ("订单号", "Order number"),
    ("状态", "Status"),
    ("合计", "Total"),
    ("币种", "Currency"),
    ("来源更新时间", "Updated at source"),
    ("本地更新时间", "Updated locally"),
];

pub(crate) fn headers(kind: RecordKind, language: ExportLanguage) -> Vec<&'static str> {
    let pairs = match kind {
        RecordKind::PosTransactions => POS,
        RecordKind::SupplierOrders => SUPPLIER_ORDERS,
        RecordKind::Members => MEMBERS,
        RecordKind::Customers => CUSTOMERS,
        RecordKind::Products => PRODUCTS,
        RecordKind::ErpOrders => ERP_ORDERS,
        RecordKind::MarketplaceOrders => MARKETPLACE_ORDERS,
    };
    pairs
        .iter()
        .map(|(zh, en)| match language {
            ExportLanguage::Zh => *zh,
            ExportLanguage::En => *en,
        })
        .collect()
}

/// Turns records into rows, naming each record's system.
pub(crate) struct Rows<'a> {
    pub systems: &'a HashMap<Uuid, String>,
}

/// Line items as one cell: `宫保鸡丁×2; 米饭×1`.
fn items<'i>(lines: impl Iterator<Item = (&'i str, i64)>) -> Cell {
    let text = lines
        .map(|(name, quantity)| format!("{name}×{quantity}"))
        .collect::<Vec<_>>()
        .join("; ");
    Cell::Text(text)
}

impl Rows<'_> {
    fn system(&self, id: Uuid) -> Cell {
        Cell::Text(
            self.systems
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        )
    }

    pub fn pos(&self, t: &PosTransaction) -> Row {
        vec![
            self.system(t.system_id),
            Cell::Time(t.transaction_time),
            Cell::text(&t.pos_transaction_id),
            Cell::opt(t.pos_order_number.as_deref()),
            Cell::opt(t.store_id.as_deref()),
            Cell::text(t.transaction_type.as_str()),
            Cell::opt(t.original_transaction_id.as_deref()),
            Cell::Money(t.subtotal),
            Cell::Money(t.tax),
            Cell::Money(t.discount),
            Cell::Money(t.total),
            Cell::opt(t.payment_method.map(|m| m.as_str())),
            items(t.items.iter().map(|i| (i.name.as_str(), i.quantity))),
            Cell::text(t.sync_status.as_str()),
        ]
    }

    pub fn supplier_order(&self, o: &SupplierOrder) -> Row {
        vec![
            self.system(o.system_id),
            Cell::text(&o.order_number),
            Cell::text(&o.supplier_id),
            Cell::opt(o.supplier_name.as_deref()),
            Cell::text(o.order_type.as_str()),
            Cell::text(o.status.as_str()),
            Cell::Money(o.subtotal),
            Cell::Money(o.tax),
            Cell::Money(o.shipping),
            Cell::Money(o.total),
            items(o.items.iter().map(|i| (i.name.as_str(), i.quantity))),
            Cell::opt_time(o.order_date),
            Cell::opt_time(o.expected_delivery),
            Cell::opt_time(o.actual_delivery),
            Cell::opt(o.store_id.as_deref()),
        ]
    }

    pub fn member(&self, m: &MemberSync) -> Row {
        vec![
            self.system(m.system_id),
            Cell::text(&m.member_id),
            Cell::opt(m.external_member_id.as_deref()),
            Cell::opt(m.name.as_deref()),
            Cell::opt(m.phone.as_deref()),
            Cell::opt(m.email.as_deref()),
            Cell::opt(m.level.as_deref()),
            Cell::Int(m.points),
            Cell::Money(m.balance),
            Cell::text(m.sync_status.as_str()),
            Cell::opt_time(m.last_activity),
        ]
    }

    pub fn customer(&self, c: &CustomerRecord) -> Row {
        vec![
            self.system(c.system_id),
            Cell::text(&c.external_id),
            Cell::opt(c.code.as_deref()),
            Cell::text(&c.name),
            Cell::opt(c.status.as_deref()),
            Cell::opt_time(c.remote_updated_at),
            Cell::Time(c.updated_at),
        ]
    }

    pub fn product(&self, p: &ProductRecord) -> Row {
        vec![
            self.system(p.system_id),
            Cell::text(&p.external_id),
            Cell::text(&p.sku),
            Cell::text(&p.name),
            Cell::opt(p.status.as_deref()),
            Cell::opt_money(p.standard_price),
            Cell::opt(p.inventory_quantity.as_deref()),
            Cell::opt_time(p.remote_updated_at),
            Cell::Time(p.updated_at),
        ]
    }

    pub fn erp_order(&self, o: &ErpOrderRecord) -> Row {
        vec![
            self.system(o.system_id),
            Cell::text(&o.external_id),
            Cell::text(&o.order_number),
            Cell::text(&o.order_type),
            Cell::opt(o.status_code.as_deref()),
            Cell::Money(o.total),
            Cell::opt_time(o.remote_updated_at),
            Cell::Time(o.updated_at),
        ]
    }

    pub fn marketplace_order(&self, o: &MarketplaceOrderRecord) -> Row {
        vec![
            self.system(o.system_id),
            Cell::text(&o.external_id),
            Cell::text(&o.order_sn),
            Cell::opt(o.status.as_deref()),
            Cell::opt_money(o.total),
            Cell::opt(o.currency.as_deref()),
            Cell::opt_time(o.remote_updated_at),
            Cell::Time(o.updated_at),
        ]
    }
}
