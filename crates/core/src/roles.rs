//! Roles and the one permission table (seed 000 and seed 002 "权限要求"), checked in the core
//! for every operation. The UI only mirrors it.

use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::error::AppError;

string_enum!(
    /// Staff roles of the seeds' permission tables; `staff` is any other signed-in staff
    /// member, who reads lists and records POS transactions.
    Role {
    Admin => "admin",
    StoreManager => "store_manager",
    FloorManager => "floor_manager",
    WarehouseManager => "warehouse_manager",
    CustomerManager => "customer_manager",
    Staff => "staff",
});

string_enum!(
    /// Every operation the core performs for a person. Webhook receipt is not here: it
    /// carries no user and is checked by signature instead.
    Operation {
    SystemsView => "systems_view",
    SystemsCreate => "systems_create",
    SystemsUpdate => "systems_update",
    SystemsDelete => "systems_delete",
    SystemsTest => "systems_test",
    PosTransactionsView => "pos_transactions_view",
    PosTransactionsCreate => "pos_transactions_create",
    SupplierOrdersView => "supplier_orders_view",
    SupplierOrdersCreate => "supplier_orders_create",
    SupplierOrdersCancel => "supplier_orders_cancel",
    SupplierOrdersReschedule => "supplier_orders_reschedule",
    MembersView => "members_view",
    MembersSync => "members_sync",
    ReservationsView => "reservations_view",
    ReservationsSync => "reservations_sync",
    ReservationsUpdateStatus => "reservations_update_status",
    ReservationsImport => "reservations_import",
    SyncLogsView => "sync_logs_view",
    SyncRun => "sync_run",
    ConflictsResolve => "conflicts_resolve",
    ErpRecordsEdit => "erp_records_edit",
    UsersView => "users_view",
    UsersManage => "users_manage",
    TokensManage => "tokens_manage",
    ListenerManage => "listener_manage",
    AuditView => "audit_view",
    BackupsManage => "backups_manage",
    NotificationsManage => "notifications_manage",
    ErpRecordsView => "erp_records_view",
    RecordsExport => "records_export",
});

use Operation as Op;
use Role as R;

const ANY: &[Role] = Role::ALL;
const MANAGERS: &[Role] = &[R::Admin, R::StoreManager];

/// The permission table. Rows come straight from the seeds:
/// seed 000: 创建/更新/删除系统, 测试连接 → admin, store_manager; 查看系统列表, 创建POS交易 →
/// all signed-in users; 创建供应商订单 → admin, store_manager, warehouse_manager; 同步会员数据 →
/// admin, store_manager, customer_manager. Seed 002: 同步预订数据 → admin, store_manager,
/// customer_manager; 查看预订列表 → all; 更新预订状态 → admin, store_manager, floor_manager.
/// Editing cached ERP customers (sent back through the outbox) goes with member work:
/// admin, store_manager, customer_manager. The rest follow PRODUCT.md's "who uses it" table.
pub fn allowed_roles(op: Operation) -> &'static [Role] {
    match op {
        Op::SystemsView
        | Op::PosTransactionsView
        | Op::PosTransactionsCreate
        | Op::SupplierOrdersView
        | Op::MembersView
        | Op::ReservationsView
        | Op::SyncLogsView
        | Op::ErpRecordsView => ANY,
        Op::SystemsCreate
        | Op::SystemsUpdate
        | Op::SystemsDelete
        | Op::SystemsTest
        | Op::SyncRun
        | Op::ConflictsResolve
        | Op::UsersView
        | Op::UsersManage
        | Op::TokensManage
        | Op::ListenerManage
        | Op::NotificationsManage
        | Op::ReservationsImport
        | Op::RecordsExport => MANAGERS,
        // Cancelling or rescheduling an order goes with creating it (seed 000).
        Op::SupplierOrdersCreate | Op::SupplierOrdersCancel | Op::SupplierOrdersReschedule => {
            &[R::Admin, R::StoreManager, R::WarehouseManager]
        }
        Op::MembersSync | Op::ReservationsSync | Op::ErpRecordsEdit => {
            &[R::Admin, R::StoreManager, R::CustomerManager]
        }
        Op::ReservationsUpdateStatus => &[R::Admin, R::StoreManager, R::FloorManager],
        Op::AuditView | Op::BackupsManage => &[R::Admin],
    }
}

/// Who is acting: a signed-in person, or the headless CLI acting as the local administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub username: String,
    pub role: Role,
    /// Set for an API token bound to one system: it may only push to and read that system.
    #[serde(default)]
    pub system_id: Option<Uuid>,
}

impl Actor {
    /// The CLI runs on the store's own machine by someone with the data directory in hand;
    /// it acts as the local administrator and is audited under this name.
    pub fn local_cli() -> Actor {
        Actor {
            user_id: None,
            username: "cli".to_owned(),
            role: Role::Admin,
            system_id: None,
        }
    }

    pub fn can(&self, op: Operation) -> bool {
        allowed_roles(op).contains(&self.role)
    }

    pub fn require(&self, op: Operation) -> Result<(), AppError> {
        if self.can(op) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                operation: op.as_str().to_owned(),
                role: self.role.as_str().to_owned(),
            })
        }
    }

    /// Refuses a system-bound token's access to any other system.
    pub fn require_system(&self, system_id: Uuid) -> Result<(), AppError> {
        match self.system_id {
            Some(bound) if bound != system_id => Err(AppError::Forbidden {
                operation: format!("access system {system_id}"),
                role: format!("{} (token bound to system {bound})", self.role),
            }),
            _ => Ok(()),
        }
    }

    /// The system a list must be limited to: the token's own, else what was asked for.
    pub fn scope(&self, requested: Option<Uuid>) -> Result<Option<Uuid>, AppError> {
        match (self.system_id, requested) {
            (Some(bound), Some(asked)) if bound != asked => {
                self.require_system(asked).map(|()| None)
            }
            (Some(bound), _) => Ok(Some(bound)),
            (None, asked) => Ok(asked),
        }
    }

    pub fn permissions(&self) -> Vec<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .filter(|op| self.can(*op))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: None,
            username: "t".into(),
            role,
            system_id: None,
        }
    }

    #[test]
    fn seed_000_permission_table() {
        for &role in Role::ALL {
            let a = actor(role);
            let manager = matches!(role, R::Admin | R::StoreManager);
            assert_eq!(a.can(Op::SystemsCreate), manager, "{role}");
            assert_eq!(a.can(Op::SystemsUpdate), manager, "{role}");
            assert_eq!(a.can(Op::SystemsDelete), manager, "{role}");
            assert_eq!(a.can(Op::SystemsTest), manager, "{role}");
            assert!(a.can(Op::SystemsView), "{role}");
            assert!(a.can(Op::PosTransactionsCreate), "{role}");
            assert_eq!(
                a.can(Op::SupplierOrdersCreate),
                manager || role == R::WarehouseManager
            );
            assert_eq!(
                a.can(Op::MembersSync),
                manager || role == R::CustomerManager
            );
        }
    }

    #[test]
    fn seed_002_permission_table() {
        for &role in Role::ALL {
            let a = actor(role);
            let manager = matches!(role, R::Admin | R::StoreManager);
            assert_eq!(
                a.can(Op::ReservationsSync),
                manager || role == R::CustomerManager
            );
            assert!(a.can(Op::ReservationsView));
            assert_eq!(
                a.can(Op::ReservationsUpdateStatus),
                manager || role == R::FloorManager
            );
        }
    }

    #[test]
    fn forbidden_names_operation_and_role() {
        let err = actor(R::FloorManager).require(Op::SystemsCreate);
        assert_eq!(
            err,
            Err(AppError::Forbidden {
                operation: "systems_create".into(),
                role: "floor_manager".into()
            })
        );
        assert!(actor(R::Admin).require(Op::AuditView).is_ok());
        assert!(actor(R::StoreManager).require(Op::AuditView).is_err());
    }

    #[test]
    fn role_names_round_trip() {
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Operation::ALL.len(), actor(R::Admin).permissions().len());
    }
}
