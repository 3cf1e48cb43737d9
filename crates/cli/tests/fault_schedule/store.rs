//! A data folder of one lane's system, run through `Services` (the engine in-process, with
//! the service's rules for reservations, members and supplier orders), and a snapshot of
//! what it stored that two folders can be compared by.

use std::collections::BTreeMap;

use sqlx::{Column, Row};
use storelink_core::sync::SyncTaskStatus;
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::{Actor, AppError, PageRequest};
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

    /// A full sync of `stream`. Err carries the class of a task that failed; the task is
    /// checked to be recorded failed with its message.
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
                let tasks = self
                    .services
                    .list_sync_tasks(&self.actor, Some(&self.id()), &PageRequest::default())
                    .await
                    .expect("tasks");
                let last = tasks.items.first().expect("the failed task");
                assert_eq!(last.status, SyncTaskStatus::Failed, "{last:?}");
                assert!(
                    last.error_message.as_deref().is_some_and(|m| !m.is_empty()),
                    "a failed task says why: {last:?}"
                );
                Err(class.as_str().to_owned())
            }
            Err(other) => panic!("{stream}: not a vendor failure: {other:?}"),
        }
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
