//! Every flow a secret takes part in, run through the service as the shells run it, with
//! every answer and every error text kept for the search.

use serde_json::json;
use storelink_core::system::{NewSystem, SystemFilter, SystemPatch};
use storelink_core::{Actor, AppError, PageRequest};
use storelink_service::export::{
    ExportDestination, ExportFormat, ExportJob, ExportLanguage, ExportOptions, RecordFilter,
};
use storelink_service::ingest::RawPush;
use storelink_service::records::{PosQuery, ReservationQuery};
use storelink_service::Services;

use super::fleet::{Fleet, Planted};

/// Texts that left Storelink: replies, error messages, command output.
#[derive(Default)]
pub struct Captured(pub Vec<(String, String)>);

impl Captured {
    pub fn keep<T: serde::Serialize>(&mut self, place: &str, result: &Result<T, AppError>) {
        let text = match result {
            Ok(value) => serde_json::to_string(value).unwrap_or_default(),
            Err(e) => format!(
                "{e} | {e:?} | {}",
                serde_json::to_string(e).unwrap_or_default()
            ),
        };
        self.0.push((place.to_owned(), text));
    }

    pub fn text(&mut self, place: &str, text: String) {
        self.0.push((place.to_owned(), text));
    }
}

/// Test, sync every stream (full, then incremental), rotate the webhook secret, read back.
pub async fn systems(
    s: &Services,
    admin: &Actor,
    fleet: &mut Fleet,
    p: &mut Planted,
    c: &mut Captured,
) {
    for made in &mut fleet.systems {
        let id = made.id.to_string();
        let at = format!("{}/{}", made.system_type, made.provider);
        c.keep(&format!("test {at}"), &s.test_system(admin, &id).await);
        let streams = s.sync_streams(admin, &id).await;
        c.keep(&format!("streams {at}"), &streams);
        for stream in streams.unwrap_or_default() {
            for mode in ["full", "incremental"] {
                let task = s.run_sync(admin, &id, &stream.name, mode).await;
                c.keep(&format!("sync {at} {} {mode}", stream.name), &task);
            }
        }
        let rotated = p.webhook(&format!("{}_{}-rotated", made.system_type, made.provider));
        let patch = SystemPatch {
            name: Some(format!("{at} renamed")),
            secrets: [("webhook_secret".to_owned(), rotated.clone())].into(),
            ..SystemPatch::default()
        };
        c.keep(
            &format!("update {at}"),
            &s.update_system(admin, &id, patch).await,
        );
        made.webhook_secret = rotated;
        c.keep(&format!("get {at}"), &s.get_system(admin, &id).await);
    }
    let all = SystemFilter {
        limit: Some(100),
        ..SystemFilter::default()
    };
    c.keep("list systems", &s.list_systems(admin, &all).await);
}

/// A system whose secret the vendor refuses, and inputs that put a secret where it must not
/// be: their errors are texts too.
pub async fn refusals(
    s: &Services,
    admin: &Actor,
    fleet: &Fleet,
    p: &mut Planted,
    c: &mut Captured,
) {
    let wrong = p.make("wrong-password");
    let input = NewSystem {
        name: "refused ERP".into(),
        system_type: "erp".into(),
        provider: "custom".into(),
        api_endpoint: Some(fleet.sims.erp.base_url()),
        config: Some(json!({"username": "storelink", "timeout_ms": 2000,
            "retryPolicy": {"maxRetries": 0, "initialDelay": 10, "maxDelay": 10}})),
        secrets: [("password".to_owned(), wrong)].into(),
        ..NewSystem::default()
    };
    let system = s.create_system(admin, input).await.expect("system");
    let id = system.id.to_string();
    c.keep("test refused", &s.test_system(admin, &id).await);
    c.keep(
        "sync refused",
        &s.run_sync(admin, &id, "customers", "full").await,
    );
    let nested = p.make("nested-secret");
    let bad: Result<NewSystem, _> = serde_json::from_value(json!({"name": "nested", "type": "erp",
        "provider": "custom", "config": {"auth": {"password": nested}}}));
    let bad = bad.expect("input");
    c.keep("nested secret refused", &s.create_system(admin, bad).await);
    // Too long for the keychain form: refused, and the refusal must not quote it.
    let long = format!("{}{}", p.make("too-long"), "x".repeat(5000));
    let bad = NewSystem {
        name: "too long".into(),
        system_type: "erp".into(),
        provider: "custom".into(),
        secrets: [("password".to_owned(), long)].into(),
        ..NewSystem::default()
    };
    c.keep("long secret refused", &s.create_system(admin, bad).await);
}

/// Local changes pushed to vendors through the outbox: an ERP customer edit, a front-desk
/// arrival to Yiding, a cancellation to 易理货.
pub async fn outbox(s: &Services, admin: &Actor, fleet: &Fleet, c: &mut Captured) {
    let erp = fleet.find("erp", "custom").id.to_string();
    let customer = fleet.sims.erp.customer_ids()[0].clone();
    let edit = json!({"name": "本店改名 secrets"});
    c.keep(
        "erp edit",
        &s.update_erp_customer(admin, &erp, &customer, &edit).await,
    );

    let yiding = fleet.find("reservation", "yiding").id.to_string();
    let q = ReservationQuery {
        system_id: Some(yiding.clone()),
        status: Some("confirmed".into()),
        ..Default::default()
    };
    if let Some(r) = s
        .list_reservations(admin, q)
        .await
        .expect("reservations")
        .items
        .first()
    {
        let change = storelink_core::reservation::StatusChange {
            status: "arrived".into(),
            arrival_time: None,
            table_number: None,
        };
        let moved = s
            .update_reservation_status(admin, &r.reservation_id, Some(&yiding), change)
            .await;
        c.keep("arrival", &moved);
    }

    let ylh = fleet.find("supplier", "ylh").id.to_string();
    let order = json!({"order_number": "SIM-PO-000001", "supplier_id": "HAIER", "subtotal": "100.00",
        "total": "100.00", "items": [{"name": "BS01U000N", "quantity": 1, "price": "100.00"}],
        "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四", "phone": "13900139000"}});
    let created = s
        .create_supplier_order(admin, &ylh, RawPush::new(order.to_string()))
        .await;
    c.keep("ylh order", &created);
    c.keep(
        "ylh cancel",
        &s.cancel_supplier_order(admin, &ylh, "SIM-PO-000001", "secrets scan")
            .await,
    );
    for pass in 0..3 {
        c.keep(&format!("dispatch {pass}"), &s.dispatch_outbox(admin).await);
    }
    c.keep(
        "outbox",
        &s.list_outbox(admin, None, None, &PageRequest::default())
            .await,
    );
}

/// Exports of every list that holds vendor data, and a backup.
pub async fn exports_and_backup(
    s: &Services,
    admin: &Actor,
    folder: &std::path::Path,
    c: &mut Captured,
) {
    let filters = [
        ("pos", RecordFilter::PosTransactions(PosQuery::default())),
        ("customers", RecordFilter::Customers(Default::default())),
        ("products", RecordFilter::Products(Default::default())),
        ("orders", RecordFilter::ErpOrders(Default::default())),
        (
            "marketplace",
            RecordFilter::MarketplaceOrders(Default::default()),
        ),
        ("members", RecordFilter::Members(Default::default())),
        ("supplier", RecordFilter::SupplierOrders(Default::default())),
    ];
    for (name, filter) in filters {
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let options = ExportOptions {
                format,
                language: ExportLanguage::En,
            };
            let into = ExportDestination {
                folder: folder.display().to_string(),
                file_name: format!("{name}-{format:?}"),
            };
            let done = s
                .export_records(
                    admin,
                    filter.clone(),
                    options,
                    &into,
                    &ExportJob::new(|_| {}),
                )
                .await;
            c.keep(&format!("export {name}"), &done);
        }
    }
    c.keep("backup", &s.run_backup(admin).await);
    c.keep("audit", &s.audit_log(admin, None, 1000).await);
}
