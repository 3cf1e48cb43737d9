//! One call per public operation of the service, named by the permission it needs. A call
//! made for a role the seeds allow gets fresh records to act on, so it can succeed.

use storelink_core::conflict::ConflictChoice;
use storelink_core::reservation::StatusChange;
use storelink_core::system::{SystemFilter, SystemPatch};
use storelink_core::token::NewToken;
use storelink_core::{Actor, AppError, Operation, PageRequest, Role};
use storelink_service::audit_log::AuditQuery;
use storelink_service::backup::BackupSettings;
use storelink_service::demo::{BoxFuture, DemoListener};
use storelink_service::desktop::NotificationPrefs;
use storelink_service::erp_lists::{
    CustomerQuery, ErpOrderQuery, MarketplaceOrderQuery, ProductQuery,
};
use storelink_service::export::{
    ExportDestination, ExportFormat, ExportJob, ExportLanguage, ExportOptions, RecordFilter,
};
use storelink_service::listener_settings::ListenerSettings;
use storelink_service::records::{
    MemberQuery, PosQuery, ReservationQuery, SupplierOrderQuery, SyncLogQuery,
};
use storelink_service::systems::connector_settings::PreviewRequest;

use super::fixtures::{import_csv, new_system, push, reservation, Ctx};

/// Makes the call `probe` as `actor`. `allowed` says whether to set up fresh records first
/// (a refused call must be refused before it looks at them).
pub async fn run(ctx: &Ctx, probe: &str, actor: &Actor, allowed: bool) -> Result<(), AppError> {
    let s = &ctx.host.services;
    let page = PageRequest::default();
    let n = ctx.next();
    let (pos, supplier, member, res, erp) = (
        ctx.pos.to_string(),
        ctx.supplier.to_string(),
        ctx.member.to_string(),
        ctx.reservation.to_string(),
        ctx.erp.to_string(),
    );
    match probe {
        "list_systems" => s
            .list_systems(actor, &SystemFilter::default())
            .await
            .map(ok),
        "get_system" => s.get_system(actor, &pos).await.map(ok),
        "count_systems" => s.count_systems(actor).await.map(ok),
        "demo_status" => s.demo_status(actor).await.map(ok),
        "connector_settings" => s.connector_settings(actor, &erp).await.map(ok),
        "create_system" => {
            let input = serde_json::from_value(new_system(n)).expect("input");
            s.create_system(actor, input).await.map(ok)
        }
        "start_demo" => {
            let started = s.start_demo(actor, &NoListener).await.map(ok);
            if started.is_ok() {
                // Stop the simulators and the terminal: the next cell finds no demo running.
                remove_demo(ctx, ctx.admin())
                    .await
                    .expect("remove the demo");
            }
            started
        }
        "update_system" => {
            let patch = SystemPatch {
                sync_interval: Some(600 + i64::from(n)),
                ..Default::default()
            };
            s.update_system(actor, &pos, patch).await.map(ok)
        }
        "preview_mapping" => {
            let request = PreviewRequest {
                stream: "customers".into(),
                overrides: None,
                sample: None,
            };
            s.preview_mapping(actor, &erp, request).await.map(ok)
        }
        "rotate_webhook_secret" => s.rotate_webhook_secret(actor, &erp).await.map(ok),
        "end_webhook_secret_grace" => {
            if allowed {
                // A grace period to end: the rotation keeps the secret it replaces.
                s.rotate_webhook_secret(ctx.admin(), &erp)
                    .await
                    .expect("rotate");
                s.rotate_webhook_secret(ctx.admin(), &erp)
                    .await
                    .expect("rotate again");
            }
            s.end_webhook_secret_grace(actor, &erp).await?;
            let spec = s.connector_settings(ctx.admin(), &erp).await?;
            assert!(!spec.webhook.in_grace, "the grace period ended");
            Ok(())
        }
        "delete_system" => {
            let id = if allowed {
                ctx.throwaway_system().await
            } else {
                ctx.pos
            };
            s.delete_system(actor, &id.to_string()).await
        }
        "remove_demo" => {
            if allowed {
                s.start_demo(ctx.admin(), &NoListener)
                    .await
                    .expect("a demo to remove");
            }
            let removal = remove_demo(ctx, actor).await?;
            assert!(!allowed || removal.systems > 0, "the demo was removed");
            Ok(())
        }
        "test_system" => s.test_system(actor, &pos).await.map(ok),
        "list_pos_transactions" => s
            .list_pos_transactions(actor, PosQuery::default())
            .await
            .map(ok),
        "dashboard" => s.dashboard(actor).await.map(ok),
        "record_pos_transaction" => ctx.pos_sale(actor).await.map(ok),
        "list_supplier_orders" => s
            .list_supplier_orders(actor, SupplierOrderQuery::default())
            .await
            .map(ok),
        "create_supplier_order" => {
            let body = serde_json::json!({"order_number": format!("PO-X-{n}"),
                "supplier_id": "SUP-001", "type": "purchase", "status": "pending",
                "subtotal": "5.00", "total": "5.00"});
            s.create_supplier_order(actor, &supplier, push(&body))
                .await
                .map(ok)
        }
        "cancel_supplier_order" => {
            let order = order_for(ctx, allowed).await;
            s.cancel_supplier_order(actor, &supplier, &order, "matrix")
                .await
                .map(ok)
        }
        "reschedule_supplier_order" => {
            let order = order_for(ctx, allowed).await;
            let at = Some("2099-03-01T10:00:00+08:00");
            s.reschedule_supplier_order(actor, &supplier, &order, at, None)
                .await
                .map(ok)
        }
        "list_members" => s.list_members(actor, MemberQuery::default()).await.map(ok),
        "sync_member" => {
            let body = serde_json::json!({"member_id": format!("MEM-R-{n}"),
                "phone": "13800138000", "name": "张三", "level": "gold", "points": 10});
            s.sync_member(actor, &member, push(&body)).await.map(ok)
        }
        "list_reservations" => s
            .list_reservations(actor, ReservationQuery::default())
            .await
            .map(ok),
        "front_desk_board" => s.front_desk_board(actor, None).await.map(ok),
        "sync_reservation" => {
            let body = reservation(&format!("RES-S-{n}"));
            s.sync_reservation(actor, &res, push(&body)).await.map(ok)
        }
        "update_reservation_status" => {
            let (id, _) = reservation_for(ctx, allowed).await;
            s.update_reservation_status(actor, &id, Some(&res), arrived())
                .await
                .map(ok)
        }
        "move_reservation" => {
            let (_, local) = reservation_for(ctx, allowed).await;
            s.move_reservation(actor, &local.to_string(), arrived())
                .await
                .map(ok)
        }
        "import_reservations" => {
            let bytes = import_csv(&format!("RES-I-{n}"));
            s.import_reservations(actor, &res, "h.csv", bytes)
                .await
                .map(ok)
        }
        "list_sync_logs" => s
            .list_sync_logs(actor, SyncLogQuery::default())
            .await
            .map(ok),
        "list_sync_tasks" => s.list_sync_tasks(actor, None, &page).await.map(ok),
        "list_outbox" => s.list_outbox(actor, None, None, &page).await.map(ok),
        "list_conflicts" => s.list_conflicts(actor, None, None, &page).await.map(ok),
        "latest_health" => s.latest_health(actor).await.map(ok),
        "system_health" => s.system_health(actor, &erp, None).await.map(ok),
        "run_sync" => s
            .run_sync(actor, &erp, "customers", "incremental")
            .await
            .map(ok),
        "sync_streams" => s.sync_streams(actor, &erp).await.map(ok),
        "cancel_sync" => s.cancel_sync(actor, &ctx.task.to_string()).await.map(ok),
        "dispatch_outbox" => s.dispatch_outbox(actor).await.map(ok),
        "retry_outbox" => s
            .retry_outbox(actor, &ctx.outbox_entry.to_string())
            .await
            .map(ok),
        "list_inbox" => s.list_inbox(actor, None, None, &page).await.map(ok),
        "replay_inbox" => s
            .replay_inbox(actor, &ctx.inbox_event.to_string())
            .await
            .map(ok),
        "resolve_conflict" => {
            let id = if allowed {
                ctx.open_conflict().await
            } else {
                uuid::Uuid::nil()
            };
            s.resolve_conflict(actor, &id.to_string(), &ConflictChoice::TakeRemote)
                .await
                .map(ok)
        }
        "update_erp_customer" => {
            let changes = serde_json::json!({"name": format!("本店改名 {n}")});
            s.update_erp_customer(actor, &erp, &ctx.customers[0], &changes)
                .await
                .map(ok)
        }
        "list_customers" => s
            .list_customers(actor, CustomerQuery::default())
            .await
            .map(ok),
        "list_products" => s
            .list_products(actor, ProductQuery::default())
            .await
            .map(ok),
        "list_erp_orders" => s
            .list_erp_orders(actor, ErpOrderQuery::default())
            .await
            .map(ok),
        "list_marketplace_orders" => s
            .list_marketplace_orders(actor, MarketplaceOrderQuery::default())
            .await
            .map(ok),
        "get_erp_record" => s
            .get_erp_record(actor, &erp, "customers", &ctx.customers[0])
            .await
            .map(ok),
        "list_users" => s.list_users(actor).await.map(ok),
        "list_user_accounts" => s.list_user_accounts(actor).await.map(ok),
        "add_user" => s
            .add_user(actor, &format!("new{n}"), "Passw0rd-long", "staff")
            .await
            .map(ok),
        "add_user_account" => s
            .add_user_account(actor, &format!("acct{n}"), "Passw0rd-long", "staff")
            .await
            .map(ok),
        "change_user_role" => {
            let id = if allowed {
                ctx.throwaway_user().await
            } else {
                ctx.victim
            };
            s.change_user_role(actor, id, "floor_manager").await.map(ok)
        }
        "set_user_disabled" => {
            let id = if allowed {
                ctx.throwaway_user().await
            } else {
                ctx.victim
            };
            s.set_user_disabled(actor, id, true).await.map(ok)
        }
        "reset_user_password" => {
            let id = if allowed {
                ctx.throwaway_user().await
            } else {
                ctx.victim
            };
            s.reset_user_password(actor, id, "N3w-passw0rd-x")
                .await
                .map(ok)
        }
        "add_token" => {
            let token = NewToken {
                name: format!("matrix-{n}"),
                role: Role::Staff,
                system_id: None,
                rate_limit: None,
            };
            s.add_token(actor, token).await.map(ok)
        }
        "list_tokens" => s.list_tokens(actor).await.map(ok),
        "revoke_token" => {
            let id = if allowed {
                ctx.throwaway_token().await
            } else {
                ctx.victim
            };
            s.revoke_token(actor, id).await.map(ok)
        }
        "listener_status" => {
            s.require(actor, Operation::ListenerManage, "listener")
                .await
        }
        "save_listener_settings" => s
            .save_listener_settings(actor, ListenerSettings::default())
            .await
            .map(ok),
        "audit_log" => s.audit_log(actor, None, 10).await.map(ok),
        "search_audit_log" => s
            .search_audit_log(actor, &AuditQuery::default())
            .await
            .map(ok),
        "backups_overview" => s.backups_overview(actor).await.map(ok),
        "run_backup" => s.run_backup(actor).await.map(ok),
        "save_backup_settings" => s
            .save_backup_settings(actor, BackupSettings::default())
            .await
            .map(ok),
        "restore_backup" => s.restore_backup(actor, "no-such-backup.db").await.map(ok),
        "save_notification_prefs" => s
            .save_notification_prefs(actor, NotificationPrefs::default())
            .await
            .map(ok),
        "export_records" => {
            let options = ExportOptions {
                format: ExportFormat::Csv,
                language: ExportLanguage::En,
            };
            let into = ExportDestination {
                folder: ctx.export_dir.path().display().to_string(),
                file_name: format!("pos-{n}"),
            };
            let job = ExportJob::new(|_| {});
            let filter = RecordFilter::PosTransactions(PosQuery::default());
            s.export_records(actor, filter, options, &into, &job)
                .await
                .map(ok)
        }
        other => panic!("no probe `{other}`"),
    }
}

/// Demo mode's listener as the shell would switch it, answering an address nothing listens
/// on: the demo terminal's sales fail fast and store nothing while a cell runs.
struct NoListener;

impl DemoListener for NoListener {
    fn apply(&self, _: ListenerSettings) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async { Ok("http://127.0.0.1:9".to_owned()) })
    }
}

async fn remove_demo(
    ctx: &Ctx,
    actor: &Actor,
) -> Result<storelink_service::demo::DemoRemoval, AppError> {
    let removal = ctx.host.services.remove_demo(actor, &NoListener).await?;
    let status = ctx.host.services.demo_status(ctx.admin()).await?;
    assert!(
        !status.running && status.systems.is_empty(),
        "the demo is gone: {status:?}"
    );
    Ok(removal)
}

fn arrived() -> StatusChange {
    StatusChange {
        status: "arrived".into(),
        arrival_time: None,
        table_number: None,
    }
}

/// A fresh open order for an allowed call; any number for a refused one.
async fn order_for(ctx: &Ctx, allowed: bool) -> String {
    if allowed {
        ctx.supplier_order().await
    } else {
        "PO-NOT-TOUCHED".into()
    }
}

/// A fresh confirmed reservation for an allowed call; ids that name none for a refused one.
async fn reservation_for(ctx: &Ctx, allowed: bool) -> (String, uuid::Uuid) {
    if allowed {
        ctx.confirmed_reservation().await
    } else {
        ("RES-NOT-TOUCHED".into(), uuid::Uuid::nil())
    }
}

/// Drops a call's answer: the matrix judges only whether it passed the check.
fn ok<T>(_: T) {}
