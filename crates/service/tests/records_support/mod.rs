//! Shared set-up of the records lists' and exports' tests: a temp data folder with an
//! administrator (the real keychain, as under the desktop shell), systems of each kind, and
//! ERP-style records written the way a sync stores them.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::{Actor, Role};
use storelink_service::export::{
    ExportDestination, ExportFormat, ExportJob, ExportLanguage, ExportOptions, ExportProgress,
};
use storelink_service::ingest::RawPush;
use storelink_service::Services;
use storelink_store::erp_records::{self, ErpTable, RecordRow};

pub struct Host {
    pub dir: tempfile::TempDir,
    pub services: Services,
    pub admin: Actor,
}

pub async fn host() -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path()).await.expect("open services");
    let (_, admin) = services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("first admin");
    Host {
        dir,
        services,
        admin,
    }
}

impl Host {
    pub async fn user(&self, name: &str, role: Role) -> Actor {
        self.services
            .add_user(&self.admin, name, "Passw0rd-long", role.as_str())
            .await
            .expect("add user");
        self.services
            .login(name, "Passw0rd-long")
            .await
            .expect("login")
            .1
    }

    pub async fn system(&self, name: &str, system_type: &str, provider: &str) -> ExternalSystem {
        let input: NewSystem = serde_json::from_value(json!({
            "name": name,
            "type": system_type,
            "provider": provider,
            "store_id": "store-001",
            "api_endpoint": "http://127.0.0.1:9/api",
            "config": {"username": "storelink"},
        }))
        .expect("system input");
        self.services
            .create_system(&self.admin, input)
            .await
            .expect("create system")
    }

    /// Stores records as a sync page would (mapped JSON, fingerprint, searchable columns).
    pub async fn store(&self, table: ErpTable, system: &ExternalSystem, records: &[Value]) {
        let rows: Vec<RecordRow> = records
            .iter()
            .map(|r| {
                let id = r["externalId"].as_str().expect("externalId").to_owned();
                RecordRow::new(table, id, r, None)
            })
            .collect();
        let mut tx = self.services.db().write().await.expect("write");
        erp_records::upsert_page(&mut tx, table, system.id, &rows)
            .await
            .expect("store records");
        tx.commit().await.expect("commit");
    }

    pub async fn pos_sale(&self, system: &ExternalSystem, body: Value) {
        self.services
            .record_pos_transaction(
                &self.admin,
                &system.id.to_string(),
                RawPush::new(body.to_string()),
            )
            .await
            .expect("record sale");
    }
}

pub fn customer(id: &str, name: &str, status: &str) -> Value {
    json!({"externalId": id, "code": id, "name": name, "type": "company",
           "metadata": {"status": status}})
}

pub fn product(id: &str, sku: &str, status: &str, price: &str) -> Value {
    json!({"externalId": id, "sku": sku, "name": format!("商品 {sku}"), "status": status,
           "pricing": {"standardPrice": price, "currency": "CNY"},
           "inventory": {"quantity": 12, "unit": "件"}})
}

pub fn erp_order(id: &str, kind: &str, status: &str, total: &str) -> Value {
    json!({"externalId": id, "orderNumber": format!("SO-{id}"), "type": kind,
           "status": {"code": status, "name": status},
           "amounts": {"totalAmount": total, "currency": "CNY"},
           "items": [{"lineNumber": 1, "product": {"sku": "P-1", "name": "可乐"}, "quantity": 3}]})
}

pub fn marketplace_order(sn: &str, status: &str, total: &str) -> Value {
    json!({"externalId": sn, "orderSn": sn, "status": status, "totalAmount": total,
           "currency": "USD", "items": [{"goodsName": "Mug", "quantity": 1}]})
}

pub fn options(format: ExportFormat, language: ExportLanguage) -> ExportOptions {
    ExportOptions { format, language }
}

pub fn into(folder: &Path, file_name: &str) -> ExportDestination {
    ExportDestination {
        folder: folder.display().to_string(),
        file_name: file_name.into(),
    }
}

/// A job that records every progress report.
pub fn recording_job() -> (ExportJob, Arc<Mutex<Vec<ExportProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let job = ExportJob::new(move |p| sink.lock().expect("progress").push(p));
    (job, seen)
}

pub fn file_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub async fn pos_with_three_sales(h: &Host) -> ExternalSystem {
    let pos = h.system("前台POS", "pos", "Meituan").await;
    for (id, time, total) in [
        ("TXN-1", "2025-11-20T09:00:00", "296.80"),
        ("TXN-2", "2025-11-20T12:30:00", "18.05"),
        ("TXN-3", "2025-11-21T09:00:00", "7"),
    ] {
        let body = json!({
            "transaction_id": id, "type": "sale", "total": total, "payment_method": "wechat_pay",
            "items": [{"name": "宫保鸡丁", "quantity": 1, "price": total}],
            "transaction_time": time,
        });
        h.pos_sale(&pos, body).await;
    }
    pos
}
