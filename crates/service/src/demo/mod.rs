//! Demo mode: the built-in vendor simulators (the custom ERP, Yiding, and the seed 000
//! POS, supplier and member systems) run inside the app on free loopback ports, demo
//! systems point at them, the listener is on, and a simulated POS terminal pushes a sale
//! every few seconds, so a new user sees data arriving within the first minute. Removing
//! the demo stops all of it and deletes the demo systems with every row recorded for them.
//!
//! The simulators live as long as the process: after a restart the demo systems are still
//! there (marked `config.demo: true`) but paused, and starting the demo again resumes them
//! on new ports. What runs is kept per data folder, so two data folders in one process
//! (tests) have their own demo.

mod systems;
mod terminal;

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::system::SystemType;
use storelink_core::{Actor, AppError, Operation};
use storelink_simulators::erp::{ErpSim, ErpSimConfig};
use storelink_simulators::generic::{GenericSim, GenericSimConfig};
use storelink_simulators::pos_terminal::Terminal;
use storelink_simulators::yiding::{YidingSim, YidingSimConfig};
use storelink_store::{db_error, purge, settings, systems as repo};
use uuid::Uuid;

use crate::audit::{record, Change};
use crate::listener_settings::ListenerSettings;
use crate::Services;
use systems::{Simulators, DEMO_STORE};
use terminal::TerminalTask;

pub use terminal::PUSH_EVERY;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The listener is the shell's (the desktop app owns it): demo mode asks it through this.
pub trait DemoListener: Send + Sync {
    /// Starts, or restarts, the listener with `settings`; answers its address on this
    /// computer (`http://127.0.0.1:8765`), or why it is not running.
    fn apply(&self, settings: ListenerSettings) -> BoxFuture<'_, Result<String, String>>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DemoSystem {
    pub id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub system_type: SystemType,
}

/// What the demo banner shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DemoStatus {
    /// The demo systems in the database; empty when there is no demo.
    pub systems: Vec<DemoSystem>,
    /// The simulators and the POS terminal are running (else the demo is paused).
    pub running: bool,
    /// Sales the demo terminal pushed and the listener acknowledged since it started.
    pub pushed: u32,
    /// Seconds between two sales of the demo terminal.
    pub push_every_secs: u32,
    pub listener_url: Option<String>,
    /// Why the terminal's last sale was not acknowledged, if it was not.
    pub terminal_error: Option<String>,
}

/// What removing the demo deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DemoRemoval {
    pub systems: u32,
    /// Rows deleted with them (transactions, reservations, logs, tokens, ...).
    pub rows: u64,
}

struct DemoRuntime {
    sims: Simulators,
    terminal: TerminalTask,
    listener_url: String,
}

impl DemoRuntime {
    async fn stop(self) {
        self.terminal.stop().await;
        self.sims.erp.stop().await;
        self.sims.yiding.stop().await;
        self.sims.generic.stop().await;
    }
}

/// The running demos, by data folder.
fn running() -> &'static tokio::sync::Mutex<HashMap<PathBuf, DemoRuntime>> {
    static RUNNING: OnceLock<tokio::sync::Mutex<HashMap<PathBuf, DemoRuntime>>> = OnceLock::new();
    RUNNING.get_or_init(|| tokio::sync::Mutex::new(HashMap::new()))
}

/// Remembers whether the demo turned the listener on, to turn it off with the demo.
const MARKER_KEY: &str = "demo";

async fn start_simulators() -> Result<Simulators, AppError> {
    let failed = |what: &str, e: std::io::Error| {
        AppError::internal(format!("the {what} simulator could not start: {e}"))
    };
    let erp = ErpSim::start(ErpSimConfig {
        records: 120,
        ..ErpSimConfig::default()
    })
    .await
    .map_err(|e| failed("ERP", e))?;
    let yiding = YidingSim::start(YidingSimConfig {
        records: 60,
        store_id: DEMO_STORE.to_owned(),
        ..YidingSimConfig::default()
    })
    .await
    .map_err(|e| failed("Yiding", e))?;
    let generic = GenericSim::start(GenericSimConfig {
        members: 50,
        orders: 12,
        ..GenericSimConfig::default()
    })
    .await
    .map_err(|e| failed("POS, supplier and member", e))?;
    Ok(Simulators {
        erp,
        yiding,
        generic,
    })
}

/// A port nothing listens on now, for when the saved one is taken.
fn free_port() -> Option<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .ok()
}

impl Services {
    pub async fn demo_status(&self, actor: &Actor) -> Result<DemoStatus, AppError> {
        self.authorize(actor, Operation::SystemsView, "demo", None)
            .await?;
        let systems = self
            .live_demo_systems()
            .await?
            .into_iter()
            .map(|s| DemoSystem {
                id: s.id,
                name: s.name,
                system_type: s.system_type,
            })
            .collect();
        let all = running().lock().await;
        let runtime = all.get(&self.data_dir);
        Ok(DemoStatus {
            systems,
            running: runtime.is_some(),
            pushed: runtime.map_or(0, |r| r.terminal.pushed()),
            push_every_secs: u32::try_from(PUSH_EVERY.as_secs()).unwrap_or(u32::MAX),
            listener_url: runtime.map(|r| r.listener_url.clone()),
            terminal_error: runtime.and_then(|r| r.terminal.last_error()),
        })
    }

    /// Starts the demo, or resumes one a restart paused; a running demo is left as it is.
    pub async fn start_demo(
        &self,
        actor: &Actor,
        listener: &dyn DemoListener,
    ) -> Result<DemoStatus, AppError> {
        self.authorize(actor, Operation::SystemsCreate, "demo", None)
            .await?;
        {
            let mut all = running().lock().await;
            if !all.contains_key(&self.data_dir) {
                // Dropped on any failure below, which stops whatever did start.
                let sims = start_simulators().await?;
                let pos = self.ensure_demo_systems(actor, &sims).await?;
                let token = self.demo_token(actor, pos).await?;
                let listener_url = self.demo_listener_on(actor, listener).await?;
                let terminal = TerminalTask::start(Terminal {
                    base_url: listener_url.clone(),
                    token,
                    system_id: pos.to_string(),
                })?;
                tracing::info!(listener = %listener_url, "demo mode started");
                all.insert(
                    self.data_dir.clone(),
                    DemoRuntime {
                        sims,
                        terminal,
                        listener_url,
                    },
                );
            }
        }
        self.demo_status(actor).await
    }

    /// Stops the demo and deletes the demo systems and everything recorded for them; turns
    /// the listener off again if the demo turned it on.
    pub async fn remove_demo(
        &self,
        actor: &Actor,
        listener: &dyn DemoListener,
    ) -> Result<DemoRemoval, AppError> {
        self.authorize(actor, Operation::SystemsDelete, "demo", None)
            .await?;
        let runtime = running().lock().await.remove(&self.data_dir);
        if let Some(runtime) = runtime {
            runtime.stop().await;
        }
        let ids = {
            let mut conn = self.db.read().await?;
            purge::demo_system_ids(&mut conn).await?
        };
        let mut removal = DemoRemoval {
            systems: 0,
            rows: 0,
        };
        for id in ids {
            removal.rows += self.purge_demo_system(actor, id).await?;
            removal.systems += 1;
        }
        self.systems_cache.clear();
        self.tokens_cache.clear();
        self.demo_listener_off(actor, listener).await?;
        tracing::info!(
            systems = removal.systems,
            rows = removal.rows,
            "demo removed"
        );
        Ok(removal)
    }

    async fn purge_demo_system(&self, actor: &Actor, id: Uuid) -> Result<u64, AppError> {
        let mut tx = self.db.write().await?;
        let live = repo::get(&mut tx, id).await?;
        let rows = purge::purge_system(&mut tx, id).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SystemsDelete,
                entity: "system",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: live.as_ref().and_then(crate::systems::audit_view),
                after: None,
                detail: Some(format!("demo system removed with its data ({rows} rows)")),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        if let Some(system) = live {
            let names: Vec<&str> = system.secret_fields.iter().map(String::as_str).collect();
            self.forget_secrets(&system, &names).await;
        }
        Ok(rows)
    }

    /// Turns the listener on (plain HTTP on this computer is what the terminal pushes
    /// to) and answers its address. A saved port some other program holds is swapped for
    /// a free one.
    async fn demo_listener_on(
        &self,
        actor: &Actor,
        listener: &dyn DemoListener,
    ) -> Result<String, AppError> {
        let current = self.listener_settings().await?;
        if current.tls {
            return Err(AppError::Conflict {
                message: "the demo POS terminal pushes over plain HTTP; turn HTTPS off in the listener settings first".into(),
                field: Some("tls".into()),
            });
        }
        let wanted = ListenerSettings {
            enabled: true,
            ..current
        };
        if !current.enabled {
            self.save_listener_settings(actor, wanted).await?;
            self.set_listener_marker(true).await?;
        }
        let first = match listener.apply(wanted).await {
            Ok(url) => return Ok(url),
            Err(why) => why,
        };
        let port = free_port().ok_or_else(|| AppError::Conflict {
            message: format!("the listener could not start ({first}) and no free port was found"),
            field: None,
        })?;
        let moved = ListenerSettings { port, ..wanted };
        self.save_listener_settings(actor, moved).await?;
        listener
            .apply(moved)
            .await
            .map_err(|again| AppError::Conflict {
                message: format!("the listener could not start ({first}; on port {port}: {again})"),
                field: None,
            })
    }

    async fn demo_listener_off(
        &self,
        actor: &Actor,
        listener: &dyn DemoListener,
    ) -> Result<(), AppError> {
        let turned_on = {
            let mut conn = self.db.read().await?;
            settings::get(&mut conn, MARKER_KEY)
                .await?
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .and_then(|v| v["listener_turned_on"].as_bool())
                .unwrap_or(false)
        };
        if !turned_on {
            return Ok(());
        }
        let off = ListenerSettings {
            enabled: false,
            ..self.listener_settings().await?
        };
        self.save_listener_settings(actor, off).await?;
        // Stopping cannot fail in a way worth refusing the removal for.
        let _ = listener.apply(off).await;
        self.set_listener_marker(false).await
    }

    async fn set_listener_marker(&self, turned_on: bool) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        let text = serde_json::json!({ "listener_turned_on": turned_on }).to_string();
        settings::set(&mut tx, MARKER_KEY, &text).await?;
        tx.commit().await.map_err(db_error)
    }
}
