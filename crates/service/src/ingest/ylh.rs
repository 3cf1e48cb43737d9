//! 易理货 callbacks: `POST callbacks/ylh/{system_id}`, form-encoded `AppKey`, `TimeStamp`,
//! `Method`, `Data`, `Sign` (wire facts and settings: `storelink_connectors::ylh::callback`).
//!
//! The Sign is checked on the form as received, with the system's `callback_secret` from
//! the keychain, before anything is parsed further or stored; then the AppKey (must be the
//! system's `config.app_key`) and the TimeStamp (within `callback_tolerance_seconds` of
//! this machine's clock, read at the system's offset). A callback is one inbox event,
//! keyed by its Method and Data, so the vendor repeating it (with a new TimeStamp and
//! Sign) changes nothing. What each Method does to the order named by
//! `Data.PlatformOrderNo` (the status machine is respected):
//! - confirm, `State` 1: pending → confirmed; the vendor's order number (`ExtOrderNo`) is
//!   kept as `delivery_info.supplier_order_no` (a reschedule needs it);
//! - cancel, `State` 1: → cancelled;
//! - confirm or cancel with `State` 0: the vendor's refusal is kept as
//!   `delivery_info.supplier_refusal` and logged as a failed item; the status stays;
//! - out of stock: kept as `delivery_info.out_of_stock` and logged as a failed item; the
//!   status stays.
//!
//! A callback the store cannot apply (no such order, a step the status machine refuses)
//! is kept in the inbox as `failed` with the reason and answered with `success: false`;
//! the vendor sending it again applies it again.

use serde_json::{json, Map, Value};
use storelink_connectors::ylh::callback::{
    self, CallbackData, CallbackKind, CallbackSettings, CALLBACK_SECRET,
};
use storelink_connectors::ylh::verify;
use storelink_core::error::{AppError, Rule};
use storelink_core::ids::now;
use storelink_core::inbox::InboxStatus;
use storelink_core::ingest::DomainEvent;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::sync::{SyncAction, SyncItemStatus};
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::ErrorClass;
use storelink_store::{inbox, supplier_orders as repo, sync_logs, SqliteConnection};
use uuid::Uuid;

use super::{keep_raw, sha256_hex, sync_log, RawPush};
use crate::Services;

/// The provider names of a 易理货 system.
const PROVIDERS: &[&str] = &["ylh", "yilihuo", "易理货"];

/// What to answer the vendor: the HTTP status and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct YlhCallbackReply {
    pub status: u16,
    pub body: Value,
    /// The inbox event the callback is stored as.
    pub inbox_id: Uuid,
    pub duplicate: bool,
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::BadSignature {
        message: message.into(),
    }
}

/// A callback checked and read, not yet stored.
struct Checked {
    kind: CallbackKind,
    data: CallbackData,
    event_id: String,
}

/// What became of a callback in its transaction.
enum Outcome {
    Repeat,
    Applied(Option<DomainEvent>, bool),
    Failed(String, u16),
}

impl Services {
    /// Receives one 易理货 callback; answered only once it is on disk.
    pub async fn receive_ylh_callback(
        &self,
        system_id: &str,
        push: RawPush,
    ) -> Result<YlhCallbackReply, AppError> {
        let system = self.system_for(system_id, SystemType::Supplier).await?;
        let provider = system.provider.trim().to_lowercase();
        if !PROVIDERS.contains(&provider.as_str()) {
            return Err(AppError::not_found("易理货 system", system_id));
        }
        let settings = CallbackSettings::from_config(&system.config);
        let checked = self.check_callback(&system, &settings, &push).await?;
        let number = checked.data.platform_order_no.clone();
        let event_type = format!("ylh.{}", checked.kind.as_str());
        let (inbox_id, outcome) = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    let seen = inbox::find(conn, system.id, &checked.event_id).await?;
                    if let Some(seen) = &seen {
                        if seen.status == InboxStatus::Processed {
                            return Ok((seen.id, Outcome::Repeat));
                        }
                    }
                    let outcome = match apply(conn, &system, checked.kind, &checked.data).await {
                        Ok((event, duplicate)) => Outcome::Applied(event, duplicate),
                        Err(e) => match refusal_status(&e) {
                            Some(status) => Outcome::Failed(e.to_string(), status),
                            None => return Err(e),
                        },
                    };
                    let (status, message) = match &outcome {
                        Outcome::Failed(m, _) => (InboxStatus::Failed, Some(m.as_str())),
                        _ => (InboxStatus::Processed, None),
                    };
                    let id = match &seen {
                        Some(seen) => seen.id,
                        None => {
                            keep_raw(
                                conn,
                                system.id,
                                &checked.event_id,
                                &event_type,
                                "callback",
                                &push,
                                status,
                            )
                            .await?
                        }
                    };
                    if status == InboxStatus::Failed {
                        inbox::mark(conn, id, status, message, now()).await?;
                    } else if seen.is_some() {
                        inbox::mark(conn, id, status, None, now()).await?;
                    }
                    Ok((id, outcome))
                })
            })
            .await?;
        let at = now();
        let reply = |status: u16, success: bool, code: &str, text: &str, duplicate: bool| {
            YlhCallbackReply {
                status,
                body: callback::reply(success, code, text, Some(&number), at, settings.offset),
                inbox_id,
                duplicate,
            }
        };
        Ok(match outcome {
            Outcome::Repeat => reply(200, true, "success", "成功（重复通知，已处理）", true),
            Outcome::Applied(event, duplicate) => {
                if let Some(event) = event {
                    self.emit(event);
                }
                reply(200, true, "success", "成功", duplicate)
            }
            Outcome::Failed(message, status) => {
                reply(status, false, &status.to_string(), &message, false)
            }
        })
    }

    /// A refusal in the shape 易理货 reads (`success: false`, the status as `code`).
    pub fn ylh_callback_refusal(status: u16, message: &str) -> Value {
        let offset = storelink_core::vendor_time::china_offset();
        callback::reply(false, &status.to_string(), message, None, now(), offset)
    }

    /// Sign, AppKey, TimeStamp, Method and Data, in that order; nothing is stored here.
    async fn check_callback(
        &self,
        system: &ExternalSystem,
        settings: &CallbackSettings,
        push: &RawPush,
    ) -> Result<Checked, AppError> {
        let form = callback::parse_form(&push.body)
            .map_err(|e| AppError::field("body", Rule::Json, format!("the callback form: {e}")))?;
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let sign = field("Sign");
        if sign.trim().is_empty() {
            return Err(refused("the callback carries no Sign"));
        }
        let secret = self
            .keychain
            .get(system.id, CALLBACK_SECRET)
            .await?
            .ok_or_else(|| {
                refused("this system has no callback_secret; set it in the system's settings")
            })?;
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if !verify(secret.expose(), &pairs, sign) {
            return Err(refused(
                "the Sign does not match this system's callback secret",
            ));
        }
        match &settings.app_key {
            Some(key) if key == field("AppKey").trim() => {}
            Some(_) => return Err(refused("the AppKey is not this system's")),
            None => return Err(refused("this system has no app_key; set config.app_key")),
        }
        let stamp = field("TimeStamp");
        let sent = callback::parse_timestamp(stamp, settings.offset).ok_or_else(|| {
            refused(format!(
                "TimeStamp `{}` is not yyyyMMddHHmmss",
                short(stamp)
            ))
        })?;
        let skew = (now() - sent).num_seconds().abs();
        if skew > settings.tolerance_secs {
            return Err(refused(format!(
                "TimeStamp is {skew} s away from this machine's clock (more than {} s)",
                settings.tolerance_secs
            )));
        }
        let (kind, method, raw, data) = read_callback(settings, &form)?;
        Ok(Checked {
            kind,
            event_id: format!("ylh:{}", sha256_hex(format!("{method}\n{raw}").as_bytes())),
            data,
        })
    }
}

/// A callback form's Method (as one of this system's callbacks) and its Data: the kind,
/// the method and raw data as sent, and the data read.
fn read_callback(
    settings: &CallbackSettings,
    form: &[(String, String)],
) -> Result<(CallbackKind, String, String, CallbackData), AppError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let method = field("Method").trim().to_owned();
    let kind = settings.kind(&method).ok_or_else(|| {
        AppError::field(
            "Method",
            Rule::OneOf {
                allowed: vec![
                    settings.confirm.clone(),
                    settings.cancel.clone(),
                    settings.out_of_stock.clone(),
                ],
            },
            format!("`{}` is not a callback this system takes", short(&method)),
        )
    })?;
    let raw = field("Data");
    let data = callback::parse_data(raw).map_err(|e| {
        AppError::field(
            "Data",
            Rule::Format {
                expected: "the callback's JSON".into(),
            },
            e,
        )
    })?;
    Ok((kind, method, raw.to_owned(), data))
}

/// Applies a stored callback again (an inbox replay). Its Sign was checked when it
/// arrived; its TimeStamp is old by now and is not checked again.
pub(super) async fn reapply(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    body: &[u8],
) -> Result<super::Applied, AppError> {
    let settings = CallbackSettings::from_config(&system.config);
    let form = callback::parse_form(body)
        .map_err(|e| AppError::field("body", Rule::Json, format!("the callback form: {e}")))?;
    let (kind, _, _, data) = read_callback(&settings, &form)?;
    let (event, duplicate) = apply(conn, system, kind, &data).await?;
    let (order, _) = repo::find(conn, system.id, &data.platform_order_no)
        .await?
        .ok_or_else(|| AppError::not_found("supplier order", &data.platform_order_no))?;
    Ok(super::Applied {
        record_id: order.id,
        created: false,
        duplicate,
        status: Some(order.status.as_str().into()),
        event,
    })
}

fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The HTTP status of a callback the store refuses to apply (kept as `failed`); `None`
/// for errors that are not about the callback (the database), which roll it back.
fn refusal_status(e: &AppError) -> Option<u16> {
    match e {
        AppError::NotFound { .. } => Some(404),
        AppError::Validation { .. } | AppError::Conflict { .. } => Some(409),
        _ => None,
    }
}

/// Applies a callback to its order: the domain event to emit, and whether nothing changed.
async fn apply(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    kind: CallbackKind,
    data: &CallbackData,
) -> Result<(Option<DomainEvent>, bool), AppError> {
    let (mut order, _) = repo::find(conn, system.id, &data.platform_order_no)
        .await?
        .ok_or_else(|| AppError::not_found("supplier order", &data.platform_order_no))?;
    let at = now();
    let mut info: Map<String, Value> = order.delivery_info.as_object().cloned().unwrap_or_default();
    if let Some(ext) = &data.ext_order_no {
        info.insert("supplier_order_no".into(), json!(ext));
    }
    let said = data.fail_msg.clone().unwrap_or_default();
    let (target, failure) = match (kind, data.succeeded) {
        (CallbackKind::Confirm, true) => (Some(SupplierOrderStatus::Confirmed), None),
        (CallbackKind::Cancel, true) => (Some(SupplierOrderStatus::Cancelled), None),
        (CallbackKind::Confirm | CallbackKind::Cancel, false) => {
            info.insert(
                "supplier_refusal".into(),
                json!({"kind": kind.as_str(), "message": said, "reported_at": at}),
            );
            (
                None,
                Some(format!(
                    "易理货 reports the {} failed: {said}",
                    kind.as_str()
                )),
            )
        }
        (CallbackKind::OutOfStock, succeeded) => {
            info.insert(
                "out_of_stock".into(),
                json!({"message": said, "state": u8::from(succeeded), "reported_at": at}),
            );
            (
                None,
                Some(format!(
                    "易理货 reports the order out of stock (缺货): {said}"
                )),
            )
        }
    };
    let mut status_changed = false;
    if let Some(next) = target.filter(|n| *n != order.status) {
        // Checked before anything is written: a refused step leaves the order as it was.
        order.status = order.status.transition(next)?;
        status_changed = true;
    }
    let info = Value::Object(info);
    // A repeat of the same report (same message) is no change; only its time differs.
    let info_changed = strip_times(&info) != strip_times(&order.delivery_info);
    if status_changed || info_changed {
        order.delivery_info = info;
        order.updated_at = at;
    }
    if status_changed {
        repo::set_status(conn, &order).await?;
    }
    if info_changed {
        repo::set_delivery_info(conn, &order).await?;
    }
    let changed = status_changed || info_changed;
    let action = if changed {
        SyncAction::Update
    } else {
        SyncAction::Unchanged
    };
    let mut log = sync_log(system.id, "supplier_order", &order.order_number, action);
    if let Some(message) = failure {
        tracing::warn!(order = %order.order_number, %message, "易理货 callback");
        log.status = SyncItemStatus::Failed;
        log.error_class = Some(ErrorClass::BusinessLogicError);
        log.error_message = Some(message);
    }
    sync_logs::insert(conn, &log).await?;
    let event = status_changed.then(|| DomainEvent::SupplierOrderChanged {
        system_id: system.id,
        id: order.id,
        order_number: order.order_number.clone(),
        status: order.status.as_str().into(),
    });
    Ok((event, !changed))
}

/// The delivery info without the `reported_at` times, for telling a repeat from a change.
fn strip_times(info: &Value) -> Value {
    let mut v = info.clone();
    for key in ["supplier_refusal", "out_of_stock"] {
        if let Some(m) = v.get_mut(key).and_then(Value::as_object_mut) {
            m.remove("reported_at");
        }
    }
    v
}
