//! `storelink supplier-orders cancel|reschedule`: store-side actions on a supplier order,
//! sent on to the supplier through the outbox (`storelink outbox list` shows them).

use storelink_core::supplier::SupplierOrder;
use storelink_core::{Actor, AppError};
use storelink_service::Services;

use crate::args::SupplierOrdersCommand;
use crate::output::Output;

fn describe(order: &SupplierOrder, what: &str) -> String {
    let info = &order.delivery_info;
    let when = |key: &str| {
        info.get(key)
            .and_then(serde_json::Value::as_str)
            .map(|t| format!("\n  {key}: {t}"))
            .unwrap_or_default()
    };
    format!(
        "{} {what}: status {}{}{}\n  queued for the supplier (storelink outbox list --system {})",
        order.order_number,
        order.status,
        when("distribution_time"),
        when("install_time"),
        order.system_id
    )
}

pub async fn run(
    cmd: SupplierOrdersCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        SupplierOrdersCommand::Cancel {
            system,
            order_number,
            reason,
        } => {
            let order = services
                .cancel_supplier_order(actor, &system, &order_number, &reason)
                .await?;
            out.print(&order, || describe(&order, "cancelled"))
        }
        SupplierOrdersCommand::Reschedule {
            system,
            order_number,
            distribution_time,
            install_time,
        } => {
            let order = services
                .reschedule_supplier_order(
                    actor,
                    &system,
                    &order_number,
                    distribution_time.as_deref(),
                    install_time.as_deref(),
                )
                .await?;
            out.print(&order, || describe(&order, "rescheduled"))
        }
    }
}
