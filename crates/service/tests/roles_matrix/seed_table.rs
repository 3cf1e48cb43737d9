//! The permission table as the seeds and PRODUCT.md write it, typed out by hand so the
//! roles matrix tests compare the code against the requirements, not against itself
//! (crates/core/src/roles.rs is what is being checked). Shared by the service, listener
//! and desktop matrix tests through `#[path]`; names are the wire names of `Role` and
//! `Operation`.
#![allow(dead_code)]

pub const ROLES: &[&str] = &[
    "admin",
    "store_manager",
    "floor_manager",
    "warehouse_manager",
    "customer_manager",
    "staff",
];

/// 所有已认证用户: every signed-in role.
const ALL: &[&str] = ROLES;
const MANAGERS: &[&str] = &["admin", "store_manager"];

/// Operation → roles allowed, with where the row comes from.
pub const TABLE: &[(&str, &[&str], &str)] = &[
    // Seed 000 权限要求.
    ("systems_view", ALL, "seed 000: 查看系统列表 所有已认证用户"),
    (
        "systems_create",
        MANAGERS,
        "seed 000: 创建/更新/删除系统; seed 002: 创建易订系统配置",
    ),
    ("systems_update", MANAGERS, "seed 000: 创建/更新/删除系统"),
    ("systems_delete", MANAGERS, "seed 000: 创建/更新/删除系统"),
    ("systems_test", MANAGERS, "seed 000: 测试连接"),
    (
        "pos_transactions_create",
        ALL,
        "seed 000: 创建POS交易 所有已认证用户",
    ),
    (
        "supplier_orders_create",
        &["admin", "store_manager", "warehouse_manager"],
        "seed 000: 创建供应商订单",
    ),
    (
        "members_sync",
        &["admin", "store_manager", "customer_manager"],
        "seed 000: 同步会员数据",
    ),
    // Seed 002 权限要求.
    (
        "reservations_sync",
        &["admin", "store_manager", "customer_manager"],
        "seed 002: 同步预订数据",
    ),
    (
        "reservations_view",
        ALL,
        "seed 002: 查看预订列表 所有已认证用户",
    ),
    (
        "reservations_update_status",
        &["admin", "store_manager", "floor_manager"],
        "seed 002: 更新预订状态",
    ),
    // PRODUCT.md "Who uses it": any signed-in staff reads lists.
    (
        "pos_transactions_view",
        ALL,
        "PRODUCT.md: any signed-in staff reads lists",
    ),
    (
        "supplier_orders_view",
        ALL,
        "PRODUCT.md: any signed-in staff reads lists",
    ),
    (
        "members_view",
        ALL,
        "PRODUCT.md: any signed-in staff reads lists",
    ),
    (
        "sync_logs_view",
        ALL,
        "PRODUCT.md: any signed-in staff reads lists",
    ),
    (
        "erp_records_view",
        ALL,
        "PRODUCT.md: any signed-in staff reads lists",
    ),
    // PRODUCT.md: warehouse handles supplier purchase orders; cancelling or rescheduling
    // one goes with creating it (seed 000 创建供应商订单).
    (
        "supplier_orders_cancel",
        &["admin", "store_manager", "warehouse_manager"],
        "PRODUCT.md warehouse row, with seed 000 创建供应商订单",
    ),
    (
        "supplier_orders_reschedule",
        &["admin", "store_manager", "warehouse_manager"],
        "PRODUCT.md warehouse row, with seed 000 创建供应商订单",
    ),
    // PRODUCT.md: the member desk does member lookup and sync; cached ERP customers are
    // member data sent back through the outbox.
    (
        "erp_records_edit",
        &["admin", "store_manager", "customer_manager"],
        "PRODUCT.md member desk row, with seed 000 同步会员数据",
    ),
    // PRODUCT.md store manager row: configures systems, runs syncs, resolves conflicts,
    // manages staff accounts and LAN terminals (tokens, the listener).
    (
        "sync_run",
        MANAGERS,
        "PRODUCT.md: store manager turns sync on/off, runs it",
    ),
    (
        "conflicts_resolve",
        MANAGERS,
        "PRODUCT.md: store manager resolves conflicts",
    ),
    (
        "users_view",
        MANAGERS,
        "PRODUCT.md: store manager manages staff accounts",
    ),
    (
        "users_manage",
        MANAGERS,
        "PRODUCT.md: store manager manages staff accounts",
    ),
    (
        "tokens_manage",
        MANAGERS,
        "PRODUCT.md: store manager manages LAN terminals",
    ),
    (
        "listener_manage",
        MANAGERS,
        "PRODUCT.md: store manager manages LAN terminals",
    ),
    // Not in the seeds nor PRODUCT.md's table: configuration of the desktop and bulk
    // data movement, kept with the store manager's settings work (an assumption).
    (
        "notifications_manage",
        MANAGERS,
        "assumed: store manager's settings",
    ),
    (
        "records_export",
        MANAGERS,
        "assumed: store manager's settings",
    ),
    (
        "reservations_import",
        MANAGERS,
        "assumed: file import is configuration work (seed 002 Q4 imports through 同步预订数据)",
    ),
    // PRODUCT.md administrator row: everything, including audit log and backups.
    (
        "audit_view",
        &["admin"],
        "PRODUCT.md: administrator reads the audit log",
    ),
    (
        "backups_manage",
        &["admin"],
        "PRODUCT.md: administrator handles backups",
    ),
];

/// Whether the seeds let `role` do `operation`; panics on a name the table lacks, so a new
/// operation without a row fails the matrix.
pub fn allowed(operation: &str, role: &str) -> bool {
    let (_, roles, _) = TABLE
        .iter()
        .find(|(op, _, _)| *op == operation)
        .unwrap_or_else(|| panic!("operation `{operation}` has no row in the seeds' table"));
    roles.contains(&role)
}
