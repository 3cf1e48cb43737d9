//! Vendor webhooks `webhooks/{channel}/{system_id}` and the inbox replay. A webhook has no
//! token: it must carry a valid signature made with one of the system's webhook secrets
//! (two during a rotation), checked on the raw bytes before anything parses them.

use storelink_connectors::signature::{self, Scheme, SignatureError};
use storelink_core::error::AppError;
use storelink_core::ids::now;
use storelink_core::inbox::{InboxEvent, InboxStatus};
use storelink_core::ingest::{IngestReply, WebhookChannel, WebhookEnvelope};
use storelink_core::member::MemberInput;
use storelink_core::pos::PosTransactionInput;
use storelink_core::reservation::ReservationEvent;
use storelink_core::supplier::{SupplierOrderInput, SupplierStatusChange};
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::{vendor_time, Actor, Operation, PageRequest};
use storelink_store::inbox::InboxFilter;
use storelink_store::{inbox, systems, SqliteConnection};
use uuid::Uuid;

use super::supplier::Origin;
use super::{
    keep_raw, member, offset_of, parse_body, parse_value, pos, reservation, sha256_hex, supplier,
    Applied, RawPush,
};
use crate::Services;

/// Keychain names of the current webhook secret and, during a rotation, the previous one.
pub const WEBHOOK_SECRET: &str = "webhook_secret";
pub const PREVIOUS_WEBHOOK_SECRET: &str = "previous_webhook_secret";
/// `config.webhook_signature`: `standard_webhooks` (default) or `sha256`.
pub const SIGNATURE_SCHEME_KEY: &str = "webhook_signature";

/// What became of a webhook: a repeat of a stored event, kept for the sync engine, or
/// applied to a record.
enum Received {
    Repeat,
    Kept,
    Applied(Applied),
}

fn system_type(channel: WebhookChannel) -> SystemType {
    match channel {
        WebhookChannel::Pos => SystemType::Pos,
        WebhookChannel::Supplier => SystemType::Supplier,
        WebhookChannel::Member => SystemType::Member,
        WebhookChannel::Reservation => SystemType::Reservation,
        WebhookChannel::Erp => SystemType::Erp,
    }
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::BadSignature {
        message: message.into(),
    }
}

fn signature_refusal(err: SignatureError) -> AppError {
    refused(err.to_string())
}

impl Services {
    /// Receives one webhook. The answer is sent only once the event (and what it changed)
    /// is committed; the same event id again is a duplicate, with other content a conflict.
    pub async fn receive_webhook(
        &self,
        channel: WebhookChannel,
        system_id: &str,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let system = self.system_for(system_id, system_type(channel)).await?;
        let verified = self.verify_signature(&system, &push).await?;
        let envelope: WebhookEnvelope = parse_body(push.text()?)?;
        envelope.check_event(channel)?;
        if verified.timestamp.is_none() {
            check_body_timestamp(&envelope)?;
        }
        let event_id = verified
            .event_id
            .or_else(|| push.header("x-event-id"))
            .or_else(|| push.header("x-webhook-id"))
            .or_else(|| envelope.id.clone())
            .filter(|id| !id.trim().is_empty() && id.len() <= 200)
            .unwrap_or_else(|| format!("sha256:{}", sha256_hex(&push.body)));
        let body_hash = sha256_hex(&push.body);
        let (inbox_id, applied) = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    if let Some(seen) = inbox::find(conn, system.id, &event_id).await? {
                        if seen.content_hash == body_hash {
                            return Ok((seen.id, Received::Repeat));
                        }
                        return Err(AppError::Conflict {
                            message: format!(
                                "event {event_id} was already received with different content"
                            ),
                            field: Some("id".into()),
                        });
                    }
                    let event_type = envelope.event.clone();
                    let applied = process(conn, &system, channel, envelope).await?;
                    // ERP events stay `received` until the sync engine has pulled what they name.
                    let status = if applied.is_some() {
                        InboxStatus::Processed
                    } else {
                        InboxStatus::Received
                    };
                    let inbox_id = keep_raw(
                        conn,
                        system.id,
                        &event_id,
                        &event_type,
                        "webhook",
                        &push,
                        status,
                    )
                    .await?;
                    Ok((inbox_id, applied.map_or(Received::Kept, Received::Applied)))
                })
            })
            .await?;
        let applied = match applied {
            Received::Applied(applied) => applied,
            Received::Repeat | Received::Kept => {
                return Ok(IngestReply {
                    id: inbox_id,
                    record_id: None,
                    created: false,
                    duplicate: matches!(applied, Received::Repeat),
                    status: Some(InboxStatus::Received.as_str().into())
                        .filter(|_| matches!(applied, Received::Kept)),
                })
            }
        };
        if let Some(event) = applied.event.clone() {
            self.emit(event);
        }
        Ok(IngestReply {
            id: inbox_id,
            record_id: Some(applied.record_id),
            created: applied.created,
            duplicate: applied.duplicate,
            status: applied.status,
        })
    }

    async fn verify_signature(
        &self,
        system: &ExternalSystem,
        push: &RawPush,
    ) -> Result<signature::Verified, AppError> {
        let scheme_name = system
            .config
            .get(SIGNATURE_SCHEME_KEY)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("standard_webhooks");
        let scheme = Scheme::parse(scheme_name).ok_or_else(|| {
            refused(format!(
                "the system's webhook_signature `{scheme_name}` is not standard_webhooks or sha256; fix it in the system's settings"
            ))
        })?;
        let mut secrets = Vec::new();
        // Only the secrets the system has saved are read: every lookup of a missing one
        // (the previous secret, on each push) costs the keychain daemon something it does
        // not give back, and a few thousand of them stopped it answering at all.
        let saved = [WEBHOOK_SECRET, PREVIOUS_WEBHOOK_SECRET]
            .into_iter()
            .filter(|name| system.secret_fields.iter().any(|f| f == name));
        for name in saved {
            if let Some(secret) = self.keychain.get(system.id, name).await? {
                secrets.push(secret);
            }
        }
        if secrets.is_empty() {
            return Err(refused(
                "this system has no webhook secret; set webhook_secret in its settings",
            ));
        }
        let exposed: Vec<&str> = secrets.iter().map(|s| s.expose()).collect();
        let lookup = |name: &str| push.header(name);
        signature::verify(scheme, &exposed, &lookup, &push.body, now().timestamp())
            .map_err(signature_refusal)
    }

    /// Received events, newest first (managers).
    pub async fn list_inbox(
        &self,
        actor: &Actor,
        system_id: Option<Uuid>,
        status: Option<InboxStatus>,
        page: &PageRequest,
    ) -> Result<storelink_core::Page<InboxEvent>, AppError> {
        self.authorize(actor, Operation::SyncRun, "inbox", None)
            .await?;
        let mut conn = self.db.read().await?;
        inbox::list(
            &mut conn,
            &InboxFilter {
                system_id: actor.scope(system_id)?,
                status,
            },
            page,
        )
        .await
    }

    /// Runs processing of a stored event again, from its raw body, if it has not been
    /// applied: a `failed` one, or a `received` one. An applied (`processed`) event is
    /// answered as a duplicate without running it again, so replaying an old event can
    /// never roll a record back past later changes. An ERP event stays `received` for
    /// the sync engine.
    pub async fn replay_inbox(&self, actor: &Actor, id: &str) -> Result<IngestReply, AppError> {
        self.authorize(actor, Operation::SyncRun, "inbox", Some(id.to_owned()))
            .await?;
        let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::not_found("inbox event", id))?;
        let event = {
            let mut conn = self.db.read().await?;
            inbox::get(&mut conn, id).await?
        };
        actor.require_system(event.system_id)?;
        if event.status == InboxStatus::Processed {
            return Ok(IngestReply {
                id,
                record_id: None,
                created: false,
                duplicate: true,
                status: Some(event.status.as_str().into()),
            });
        }
        let outcome = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    let system = systems::require(conn, event.system_id).await?;
                    let result = reprocess(conn, &system, &event).await;
                    let (status, message) = match &result {
                        Ok(Some(_)) => (InboxStatus::Processed, None),
                        Ok(None) => (InboxStatus::Received, None),
                        Err(e) => (InboxStatus::Failed, Some(e.to_string())),
                    };
                    inbox::mark(conn, event.id, status, message.as_deref(), now()).await?;
                    Ok(result)
                })
            })
            .await?;
        let applied = outcome?;
        if let Some(event) = applied.as_ref().and_then(|a| a.event.clone()) {
            self.emit(event);
        }
        Ok(IngestReply {
            id,
            record_id: applied.as_ref().map(|a| a.record_id),
            created: applied.as_ref().is_some_and(|a| a.created),
            duplicate: applied.as_ref().is_none_or(|a| a.duplicate),
            status: applied.and_then(|a| a.status),
        })
    }
}

/// Seed 004's envelope carries an ISO timestamp; with the `sha256=` scheme (which signs
/// no time) it is the replay guard, held to the same 5 minutes.
fn check_body_timestamp(envelope: &WebhookEnvelope) -> Result<(), AppError> {
    let Some(text) = envelope.timestamp.as_deref() else {
        return Ok(());
    };
    let sent = vendor_time::parse(text, vendor_time::china_offset()).ok_or_else(|| {
        refused(format!(
            "timestamp `{}` is not a date-time",
            text.chars().take(40).collect::<String>()
        ))
    })?;
    let skew = (now() - sent).num_seconds().abs();
    if skew > signature::TOLERANCE_SECS {
        return Err(refused(format!(
            "timestamp is {skew} s away from this machine's clock (more than {} s)",
            signature::TOLERANCE_SECS
        )));
    }
    Ok(())
}

/// Applies an event to the domain. `None` when the event is kept for the sync engine
/// (ERP events trigger pulls there) rather than applied here.
async fn process(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    channel: WebhookChannel,
    envelope: WebhookEnvelope,
) -> Result<Option<Applied>, AppError> {
    let offset = offset_of(system);
    let data = envelope.data;
    let applied = match (channel, envelope.event.as_str()) {
        (WebhookChannel::Pos, _) => {
            let input: PosTransactionInput = parse_value(data)?;
            pos::apply(conn, system, input.validate(offset)?).await?
        }
        (WebhookChannel::Supplier, "order.status_changed") => {
            let change: SupplierStatusChange = parse_value(data)?;
            supplier::apply_status(conn, system, change).await?
        }
        (WebhookChannel::Supplier, _) => {
            let input: SupplierOrderInput = parse_value(data)?;
            supplier::apply_order(conn, system, input.validate(offset)?, Origin::Supplier).await?
        }
        (WebhookChannel::Member, _) => {
            let input: MemberInput = parse_value(data)?;
            input.validate()?;
            member::apply(conn, system, input, false).await?
        }
        (WebhookChannel::Reservation, name) => {
            let event = ReservationEvent::parse(name)
                .ok_or_else(|| AppError::internal("event checked against the channel"))?;
            let valid = reservation::parse_input(system, data.clone())?;
            reservation::apply(conn, system, valid, Some(event), data).await?
        }
        (WebhookChannel::Erp, _) => return Ok(None),
    };
    Ok(Some(applied))
}

/// Replays a stored event through the same code as when it arrived.
async fn reprocess(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    event: &InboxEvent,
) -> Result<Option<Applied>, AppError> {
    let offset = offset_of(system);
    if event.kind == "callback" && event.event_type.starts_with("ylh.") {
        return super::ylh::reapply(conn, system, event.payload.as_bytes())
            .await
            .map(Some);
    }
    if event.kind == "webhook" && system.system_type == SystemType::Ecommerce {
        // A marketplace event names an order to pull: back in line for the sync engine.
        return Ok(None);
    }
    if event.kind == "webhook" {
        let channel = WebhookChannel::parse(system.system_type.as_str())
            .ok_or_else(|| AppError::internal("a webhook for a system type with no channel"))?;
        let envelope: WebhookEnvelope = parse_body(&event.payload)?;
        return process(conn, system, channel, envelope).await;
    }
    let applied = match event.event_type.as_str() {
        pos::API_EVENT => {
            let input: PosTransactionInput = parse_body(&event.payload)?;
            pos::apply(conn, system, input.validate(offset)?).await?
        }
        supplier::API_EVENT => {
            let input: SupplierOrderInput = parse_body(&event.payload)?;
            supplier::apply_order(conn, system, input.validate(offset)?, Origin::Store).await?
        }
        member::API_EVENT => {
            let input: MemberInput = parse_body(&event.payload)?;
            input.validate()?;
            member::apply(conn, system, input, true).await?
        }
        reservation::API_EVENT => {
            let raw: serde_json::Value = parse_body(&event.payload)?;
            let valid = reservation::parse_input(system, raw.clone())?;
            reservation::apply(conn, system, valid, None, raw).await?
        }
        other => {
            return Err(AppError::internal(format!(
                "inbox event type `{other}` has no processing"
            )))
        }
    };
    Ok(Some(applied))
}
