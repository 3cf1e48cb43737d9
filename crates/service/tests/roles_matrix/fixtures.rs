//! What the roles matrix acts on: one system of each kind, ERP customers pulled from the
//! custom ERP simulator, and fresh records for calls that are allowed and change them.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{json, Value};
use storelink_core::conflict::ConflictStatus;
use storelink_core::token::NewToken;
use storelink_core::{Actor, AppError, Role};
use storelink_service::ingest::RawPush;
use storelink_simulators::erp::{ErpSim, ErpSimConfig};
use storelink_store::conflicts::{self, NewConflict, Parked};
use uuid::Uuid;

use crate::common::Host;

/// Nothing listens here: connection tests and deliveries fail fast, without leaving the
/// machine.
pub const CLOSED: &str = "http://127.0.0.1:9/api";

pub struct Ctx {
    pub host: Host,
    pub _erp_sim: ErpSim,
    pub pos: Uuid,
    pub supplier: Uuid,
    pub member: Uuid,
    pub reservation: Uuid,
    pub erp: Uuid,
    /// Customers the first sync stored; each allowed conflict resolution takes one.
    pub customers: Vec<String>,
    /// A finished sync task, an inbox event and an outbox entry to point calls at.
    pub task: Uuid,
    pub inbox_event: Uuid,
    pub outbox_entry: Uuid,
    pub export_dir: tempfile::TempDir,
    /// A user and a token refused calls point at (they must stay as they are).
    pub victim: Uuid,
    serial: AtomicU32,
}

async fn system(host: &Host, input: Value) -> Uuid {
    let input = serde_json::from_value(input).expect("system input");
    host.services
        .create_system(&host.admin, input)
        .await
        .expect("create system")
        .id
}

fn plain_system(kind: &str, provider: &str) -> Value {
    json!({"name": format!("{kind} {}", Uuid::now_v7()), "type": kind, "provider": provider,
        "store_id": "store-001", "api_endpoint": CLOSED, "config": {"api_key": "k-roles"}})
}

impl Ctx {
    pub async fn new(host: Host) -> Ctx {
        let sim = ErpSim::start(ErpSimConfig {
            records: 40,
            ..ErpSimConfig::default()
        })
        .await
        .expect("ERP simulator");
        let erp = system(
            &host,
            json!({"name": "ERP roles", "type": "erp", "provider": "custom",
                "api_endpoint": sim.base_url(),
                "config": {"username": "storelink", "password": "erp-pass", "page_size": 100,
                    "rate_limit_per_second": 1000, "conflict_strategy": "manual"}}),
        )
        .await;
        let task = host
            .services
            .run_sync(&host.admin, &erp.to_string(), "customers", "full")
            .await
            .expect("first sync")
            .id;
        let customers = sim.customer_ids();
        let mut ctx = Ctx {
            pos: system(&host, plain_system("pos", "generic")).await,
            supplier: system(&host, plain_system("supplier", "shuhai")).await,
            member: system(&host, plain_system("member", "wechat")).await,
            reservation: system(&host, plain_system("reservation", "yiding")).await,
            erp,
            customers,
            task,
            inbox_event: Uuid::nil(),
            outbox_entry: Uuid::nil(),
            export_dir: tempfile::tempdir().expect("export folder"),
            victim: Uuid::nil(),
            serial: AtomicU32::new(0),
            host,
            _erp_sim: sim,
        };
        let admin = ctx.host.admin.clone();
        ctx.pos_sale(&admin).await.expect("a sale");
        ctx.inbox_event = ctx
            .host
            .services
            .list_inbox(&admin, Some(ctx.pos), None, &Default::default())
            .await
            .expect("inbox")
            .items[0]
            .id;
        ctx.victim = ctx.throwaway_user().await;
        let order = ctx.supplier_order().await;
        ctx.host
            .services
            .cancel_supplier_order(&admin, &ctx.supplier.to_string(), &order, "setup")
            .await
            .expect("cancel queues an outbox entry");
        ctx.outbox_entry = ctx
            .host
            .services
            .list_outbox(&admin, None, None, &Default::default())
            .await
            .expect("outbox")
            .items[0]
            .id;
        ctx
    }

    pub fn next(&self) -> u32 {
        self.serial.fetch_add(1, Ordering::SeqCst)
    }

    pub fn admin(&self) -> &Actor {
        &self.host.admin
    }

    pub async fn pos_sale(
        &self,
        actor: &Actor,
    ) -> Result<storelink_core::ingest::IngestReply, AppError> {
        let body = json!({"transaction_id": format!("TXN-R-{}", self.next()), "type": "sale",
            "subtotal": "10.00", "total": "10.00", "payment_method": "cash"});
        self.host
            .services
            .record_pos_transaction(actor, &self.pos.to_string(), push(&body))
            .await
    }

    /// A new pending supplier order (its number).
    pub async fn supplier_order(&self) -> String {
        let number = format!("PO-R-{}", self.next());
        let body = json!({"order_number": number, "supplier_id": "SUP-001", "type": "purchase",
            "status": "pending", "subtotal": "5.00", "total": "5.00",
            "items": [{"name": "鸡肉", "quantity": 1, "unit": "kg", "price": "5.00"}]});
        self.host
            .services
            .create_supplier_order(self.admin(), &self.supplier.to_string(), push(&body))
            .await
            .expect("supplier order");
        number
    }

    /// A new confirmed reservation: its seed id and local id.
    pub async fn confirmed_reservation(&self) -> (String, Uuid) {
        let id = format!("RES-R-{}", self.next());
        let reply = self
            .host
            .services
            .sync_reservation(
                self.admin(),
                &self.reservation.to_string(),
                push(&reservation(&id)),
            )
            .await
            .expect("reservation");
        let local = reply.record_id.unwrap_or(reply.id);
        (id, local)
    }

    pub async fn throwaway_system(&self) -> Uuid {
        system(&self.host, plain_system("payment", "generic")).await
    }

    pub async fn throwaway_user(&self) -> Uuid {
        self.host
            .services
            .add_user(
                self.admin(),
                &format!("victim{}", self.next()),
                "Passw0rd-long",
                "staff",
            )
            .await
            .expect("user")
            .id
    }

    pub async fn throwaway_token(&self) -> Uuid {
        self.host
            .services
            .add_token(
                self.admin(),
                NewToken {
                    name: format!("victim-{}", self.next()),
                    role: Role::Staff,
                    system_id: None,
                    rate_limit: None,
                },
            )
            .await
            .expect("token")
            .info
            .id
    }

    /// An open conflict on a customer no earlier conflict used.
    pub async fn open_conflict(&self) -> Uuid {
        let customer = &self.customers[1 + self.next() as usize % (self.customers.len() - 1)];
        let key = format!("customers:{customer}");
        let source = json!({"code": customer, "name": format!("ERP name {}", self.next())});
        let target = json!({"code": customer, "name": "local name"});
        let mut tx = self.host.services.db().write().await.expect("tx");
        let parked = conflicts::park(
            &mut tx,
            &NewConflict {
                system_id: self.erp,
                entity: "customers",
                record_key: &key,
                source_data: &source,
                source_hash: &format!("hash-{}", self.next()),
                source_updated_at: None,
                target_data: &target,
                target_updated_at: None,
            },
        )
        .await
        .expect("park");
        tx.commit().await.expect("commit");
        let id = match parked {
            Parked::New(id) | Parked::Refreshed(id) | Parked::Same(id) => id,
        };
        let mut conn = self.host.services.db().read().await.expect("read");
        let stored = conflicts::get(&mut conn, id).await.expect("conflict");
        assert_eq!(stored.status, ConflictStatus::Open);
        id
    }
}

pub fn new_system(n: u32) -> Value {
    json!({"name": format!("新系统 {n}"), "type": "delivery", "provider": "generic",
        "store_id": "store-001", "config": {"api_key": "k-new"}})
}

pub fn push(body: &Value) -> RawPush {
    RawPush::new(body.to_string().into_bytes())
}

pub fn reservation(id: &str) -> Value {
    json!({"reservation_id": id, "customer_name": "张三", "customer_phone": "13800138000",
        "customer_count": 4, "reservation_date": "2099-02-15T00:00:00",
        "reservation_time": "18:00-20:00", "status": "confirmed"})
}

pub fn import_csv(id: &str) -> Vec<u8> {
    format!(
        "reservation_id,customer_name,customer_phone,customer_count,reservation_date,reservation_time,status\n\
         {id},李四,13900139000,2,2099-02-16,12:00-14:00,confirmed\n"
    )
    .into_bytes()
}
