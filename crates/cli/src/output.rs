//! What the CLI prints: JSON on stdout with `--json`, short text otherwise; errors on stderr
//! with exit code 2 for bad input and 1 for everything else.
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use serde::Serialize;
use storelink_core::health::HealthSnapshot;
use storelink_core::inbox::InboxEvent;
use storelink_core::ingest::IngestReply;
use storelink_core::outbox::OutboxEntry;
use storelink_core::sync::{SyncLog, SyncTask};
use storelink_core::system::{ConnectionTestResult, ExternalSystem};
use storelink_core::token::{ApiToken, CreatedToken};
use storelink_core::user::UserView;
use storelink_core::AppError;
use storelink_service::AppStatus;

pub struct Output {
    pub json: bool,
}

fn to_json(value: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string_pretty(value).map_err(AppError::internal)
}

/// `every 300 s`, or the cron schedule with the offset it is read in.
fn schedule(s: &ExternalSystem) -> String {
    match s
        .config
        .get(storelink_core::sync_cron::KEY)
        .and_then(serde_json::Value::as_str)
        .filter(|c| !c.trim().is_empty())
    {
        Some(cron) => format!(
            "cron `{cron}` (UTC{})",
            storelink_core::vendor_time::offset_of_config(&s.config)
        ),
        None => format!("every {} s", s.sync_interval),
    }
}

impl Output {
    pub fn print(
        &self,
        value: &impl Serialize,
        text: impl FnOnce() -> String,
    ) -> Result<(), AppError> {
        if self.json {
            println!("{}", to_json(value)?);
        } else {
            println!("{}", text());
        }
        Ok(())
    }

    pub fn system(&self, s: &ExternalSystem) -> Result<(), AppError> {
        self.print(s, || {
            let mut lines = vec![
                format!("id:            {}", s.id),
                format!("name:          {}", s.name),
                format!("type:          {}", s.system_type),
                format!("provider:      {}", s.provider),
                format!("status:        {}", s.status),
                format!("store_id:      {}", s.store_id.as_deref().unwrap_or("-")),
                format!(
                    "api_endpoint:  {}",
                    s.api_endpoint.as_deref().unwrap_or("-")
                ),
                format!(
                    "sync:          {} {}",
                    if s.sync_enabled { "on" } else { "off" },
                    schedule(s)
                ),
                format!(
                    "secrets saved: {}",
                    if s.secret_fields.is_empty() {
                        "-".to_owned()
                    } else {
                        s.secret_fields.join(", ")
                    }
                ),
            ];
            if let Some(msg) = &s.last_test_message {
                lines.push(format!("last test:     {msg}"));
            }
            lines.join("\n")
        })
    }

    pub fn systems(&self, list: &[ExternalSystem]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no systems".to_owned();
            }
            list.iter()
                .map(|s| {
                    format!(
                        "{}  {:<11} {:<9} {:<10} {}",
                        s.id,
                        s.system_type.as_str(),
                        s.status.as_str(),
                        s.store_id.as_deref().unwrap_or("-"),
                        s.name
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn user(&self, u: &UserView) -> Result<(), AppError> {
        self.print(u, || {
            format!("user {} ({}) created, id {}", u.username, u.role, u.id)
        })
    }

    pub fn users(&self, list: &[UserView]) -> Result<(), AppError> {
        self.print(&list, || {
            list.iter()
                .map(|u| format!("{:<20} {}", u.username, u.role))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn test_result(&self, r: &ConnectionTestResult) -> Result<(), AppError> {
        self.print(r, || {
            format!(
                "{}: {} (status now {})",
                if r.ok { "ok" } else { "failed" },
                r.message,
                r.status
            )
        })
    }

    pub fn status(
        &self,
        status: &AppStatus,
        systems: i64,
        keychain_error: Option<&AppError>,
    ) -> Result<(), AppError> {
        let json = serde_json::json!({
            "version": status.version,
            "data_dir": status.data_dir,
            "database": "ok",
            "needs_admin": status.needs_admin,
            "systems": systems,
            "keychain": keychain_error.map_or_else(|| "ok".to_owned(), ToString::to_string),
        });
        self.print(&json, || {
            format!(
                "Storelink {}\ndata folder: {}\ndatabase:    ok\nsystems:     {systems}\nadmin:       {}\nkeychain:    {}",
                status.version,
                status.data_dir,
                if status.needs_admin { "not created yet (the desktop app asks on first start)" } else { "present" },
                keychain_error.map_or_else(|| "ok".to_owned(), ToString::to_string),
            )
        })
    }

    pub fn created_token(&self, t: &CreatedToken) -> Result<(), AppError> {
        self.print(t, || {
            format!(
                "token {} ({}) created, id {}\n{}\nThis is the only time the token is shown; store it in the terminal now.",
                t.info.name, t.info.role, t.info.id, t.token
            )
        })
    }

    pub fn tokens(&self, list: &[ApiToken]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no tokens".to_owned();
            }
            list.iter()
                .map(|t| {
                    format!(
                        "{}  {:<16} {:<17} {:<8} {}",
                        t.id,
                        t.token_prefix,
                        t.role.as_str(),
                        if t.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "live"
                        },
                        t.name
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn inbox(&self, list: &[InboxEvent]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no events".to_owned();
            }
            list.iter()
                .map(|e| {
                    format!(
                        "{}  {:<9} {:<8} {:<24} {}",
                        e.id,
                        e.status.as_str(),
                        e.kind,
                        e.event_type,
                        e.event_id
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn tasks(&self, list: &[SyncTask]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no sync tasks".to_owned();
            }
            list.iter()
                .map(|t| {
                    let permille = t.progress_permille();
                    format!(
                        "{}  {:<10} {:<11} {:<9} {:>3}.{}%  {} ok, {} failed of {}{}",
                        t.id,
                        t.task_type,
                        t.mode.as_str(),
                        t.status.as_str(),
                        permille / 10,
                        permille % 10,
                        t.success_items,
                        t.failed_items,
                        t.total_items,
                        t.error_message
                            .as_deref()
                            .map(|m| format!("  ({m})"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn sync_logs(&self, list: &[SyncLog]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no sync logs".to_owned();
            }
            list.iter()
                .map(|l| {
                    format!(
                        "{}  {:<15} {:<20} {:<9} {:<7} {}",
                        l.created_at.format("%Y-%m-%d %H:%M:%S"),
                        l.item_type,
                        l.item_id,
                        l.action.as_str(),
                        l.status.as_str(),
                        l.error_message.as_deref().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn outbox(&self, list: &[OutboxEntry]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no outbox entries".to_owned();
            }
            list.iter()
                .map(|e| {
                    format!(
                        "{}  {:<9} {:<20} {:<28} attempts {}{}",
                        e.id,
                        e.status.as_str(),
                        e.operation,
                        e.record_key,
                        e.attempts,
                        e.last_error
                            .as_deref()
                            .map(|m| format!("  ({m})"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn dispatched(&self, r: &storelink_service::DispatchReport) -> Result<(), AppError> {
        self.print(r, || {
            format!(
                "delivered {}, retrying {}, dead {}, waiting for a connector {}, cancelled {}",
                r.delivered, r.retrying, r.dead, r.waiting, r.cancelled
            )
        })
    }

    pub fn health(&self, list: &[HealthSnapshot]) -> Result<(), AppError> {
        self.print(&list, || {
            if list.is_empty() {
                return "no health snapshots yet (taken every 5 minutes while \
                        `storelink serve` or the app runs)"
                    .to_owned();
            }
            list.iter()
                .map(|s| {
                    let rate = s
                        .success_permille
                        .map_or_else(|| "-".to_owned(), |p| format!("{}.{}%", p / 10, p % 10));
                    let p95 = s
                        .p95_latency_ms
                        .map_or_else(|| "-".to_owned(), |ms| format!("{ms} ms"));
                    format!(
                        "{}  score {:>3}  ok {:>6} of {:<5} p95 {:>8}  failing {:<3} \
                         outbox {} ({} dead)  at {}",
                        s.system_id,
                        s.score,
                        rate,
                        s.outcomes_24h,
                        p95,
                        s.consecutive_failures,
                        s.outbox_backlog,
                        s.outbox_dead,
                        s.taken_at.format("%Y-%m-%d %H:%M:%S"),
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn replayed(&self, r: &IngestReply) -> Result<(), AppError> {
        self.print(r, || {
            format!(
                "event {} processed again: {}",
                r.id,
                if r.duplicate {
                    "nothing changed (already applied)"
                } else {
                    "applied"
                }
            )
        })
    }

    /// A line on stdout as soon as the listener is up (scripts wait for it).
    pub fn listening(
        &self,
        url: &str,
        lan_urls: &[String],
        fingerprint: Option<&str>,
    ) -> Result<(), AppError> {
        let json = serde_json::json!({
            "listening": url,
            "lan_urls": lan_urls,
            "tls_fingerprint_sha256": fingerprint,
        });
        if self.json {
            println!(
                "{}",
                serde_json::to_string(&json).map_err(AppError::internal)?
            );
        } else {
            println!("listening on {url}");
            for lan in lan_urls {
                println!("terminals on the store's network: {lan}");
            }
            if let Some(fp) = fingerprint {
                println!("certificate SHA-256 fingerprint (pin this in terminals): {fp}");
            }
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        Ok(())
    }

    pub fn done(&self, text: &str, json: &serde_json::Value) -> Result<(), AppError> {
        self.print(json, || text.to_owned())
    }

    pub fn fail(&self, err: &AppError) -> ExitCode {
        if self.json {
            eprintln!("{}", to_json(err).unwrap_or_else(|_| err.to_string()));
        } else {
            match err {
                AppError::Validation { errors } => {
                    eprintln!("error: invalid input");
                    for e in errors {
                        eprintln!("  {}: {}", e.field, e.message);
                    }
                }
                other => eprintln!("error: {other}"),
            }
        }
        ExitCode::from(if err.is_bad_input() { 2 } else { 1 })
    }
}
