//! A data folder of one lane's system, run through `Services` (the engine in-process, with
//! the service's rules for reservations, members and supplier orders), and a snapshot of
//! what it stored that two folders can be compared by.

use std::collections::BTreeMap;

use sqlx::{Column, Row};
use storelink_core::sync::{SyncTask, SyncTaskStatus};
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::{Actor, AppError, ErrorClass, PageRequest};
use storelink_service::records::SyncLogQuery;
use storelink_service::Services;

use crate::lanes::{Lane, Stream};

/// Columns that are this database's own bookkeeping (local ids and write times; a
/// member's `last_activity` is when it was last written here), not what the vendor sent:
/// they differ between any two databases.
const LOCAL_COLUMNS: &[&str] = &[
    "id",
    "system_id",
    "created_at",
    "updated_at",
    "synced_at",
    "last_activity",
];

pub struct Store {
    _dir: tempfile::TempDir,
    pub services: Services,
    pub system: ExternalSystem,
    pub actor: Actor,
}

/// A table's rows by vendor key, each as column → value text.
pub type Snapshot = BTreeMap<String, BTreeMap<String, String>>;

impl Store {
    pub async fn open(lane: &Lane, label: &str) -> Store {
        let dir = tempfile::tempdir().expect("tempdir");
        let services = Services::open(dir.path()).await.expect("open");
        let actor = Actor::local_cli();
        let mut body = lane.system.clone();
        body["name"] = format!("{} {label}", lane.name).into();
        let new: NewSystem = serde_json::from_value(body).expect("system body");
        let system = services
            .create_system(&actor, new)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", lane.name));
        Store {
            _dir: dir,
            services,
            system,
            actor,
        }
    }

    /// Deletes the system (its secrets leave the keychain: a long run creates thousands,
    /// more than one keyring daemon keeps answering for) and closes the database.
    pub async fn close(self) {
        self.services
            .delete_system(&self.actor, &self.id())
            .await
            .expect("delete the system");
        self.services.close().await;
    }

    pub fn id(&self) -> String {
        self.system.id.to_string()
    }

    /// A full sync of `stream`. Err carries the class of a task that failed, as the
    /// failed task was stored (see [`Store::stored_failure`]), checked to be the class the
    /// sync returned.
    pub async fn sync(&self, stream: &str) -> Result<(), String> {
        match self
            .services
            .run_sync(&self.actor, &self.id(), stream, "full")
            .await
        {
            Ok(task) => {
                assert_eq!(task.status, SyncTaskStatus::Completed, "{task:?}");
                assert_eq!(task.failed_items, 0, "{stream}: {task:?}");
                Ok(())
            }
            Err(AppError::External { class, .. }) => {
                let (task, stored) = self.stored_failure(stream).await;
                assert_eq!(
                    stored,
                    class.as_str(),
                    "{stream}: the failed task is stored with another class than it \
                     failed with: {task:?}"
                );
                Err(stored)
            }
            Err(other) => panic!("{stream}: not a vendor failure: {other:?}"),
        }
    }

    /// The newest task of the system (the one that just failed) and the class it is stored
    /// with. `sync_tasks` has no class column and a failed task writes no `sync_logs` line
    /// of its own (`sync_logs.error_class` is per record), so the class is where the engine
    /// stores it: the task's `error_message`, which leads with it (`validation_error:
    /// ...`, `network_error (HTTP 503): ...`). Any failed line the task did log carries a
    /// class too.
    async fn stored_failure(&self, stream: &str) -> (SyncTask, String) {
        let tasks = self
            .services
            .list_sync_tasks(&self.actor, Some(&self.id()), &PageRequest::default())
            .await
            .expect("tasks");
        let task = tasks.items.first().expect("the failed task").clone();
        assert_eq!(task.task_type, stream, "the newest task: {task:?}");
        assert_eq!(task.status, SyncTaskStatus::Failed, "{task:?}");
        let message = task.error_message.as_deref().unwrap_or_default();
        let class = message
            .split([':', ' '])
            .next()
            .and_then(ErrorClass::parse)
            .unwrap_or_else(|| panic!("a failed task is stored with its class: {task:?}"));
        let lines = self
            .services
            .list_sync_logs(
                &self.actor,
                SyncLogQuery {
                    system_id: Some(self.id()),
                    status: Some("failed".into()),
                    item_type: None,
                    task_id: Some(task.id.to_string()),
                    cursor: None,
                    limit: Some(100),
                },
            )
            .await
            .expect("the task's sync log");
        for line in &lines.items {
            assert!(
                line.error_class.is_some(),
                "a failed line is logged with its class: {line:?}"
            );
        }
        (task, class.as_str().to_owned())
    }

    /// Every row `stream` fills, without this database's own columns.
    pub async fn snapshot(&self, stream: &Stream) -> Snapshot {
        let sql = format!("SELECT * FROM {} WHERE system_id = ?", stream.table);
        let rows = sqlx::query(&sql)
            .bind(self.id())
            .fetch_all(self.services.db().pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let mut out = Snapshot::new();
        for row in rows {
            let mut fields = BTreeMap::new();
            for (i, column) in row.columns().iter().enumerate() {
                if LOCAL_COLUMNS.contains(&column.name()) {
                    continue;
                }
                fields.insert(column.name().to_owned(), text(&row, i));
            }
            let key = fields.get(stream.key).cloned().expect("a key column");
            assert!(
                out.insert(key.clone(), fields).is_none(),
                "{}: `{key}` stored twice",
                stream.table
            );
        }
        out
    }

    /// How many of the system's outbox entries are in each status.
    pub async fn outbox(&self) -> BTreeMap<String, i64> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, count(*) FROM outbox WHERE system_id = ? GROUP BY status",
        )
        .bind(self.id())
        .fetch_all(self.services.db().pool())
        .await
        .expect("outbox");
        rows.into_iter().collect()
    }
}

/// A column's value as text, whatever SQLite type it holds.
fn text(row: &sqlx::sqlite::SqliteRow, i: usize) -> String {
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v.unwrap_or_else(|| "NULL".into());
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map_or_else(|| "NULL".into(), |n| n.to_string());
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v.map_or_else(|| "NULL".into(), |b| format!("{b:?}"));
    }
    "?".into()
}

/// The first differences between two snapshots, for an assertion message.
pub fn differences(clean: &Snapshot, faulty: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (key, row) in clean {
        match faulty.get(key) {
            None => out.push(format!("{key}: missing after the faults")),
            Some(other) => {
                for (column, value) in row {
                    if other.get(column) != Some(value) {
                        out.push(format!(
                            "{key}.{column}: {value} (fault-free) vs {:?}",
                            other.get(column)
                        ));
                    }
                }
            }
        }
    }
    for key in faulty.keys().filter(|k| !clean.contains_key(*k)) {
        out.push(format!("{key}: only after the faults"));
    }
    out.truncate(10);
    out
}
