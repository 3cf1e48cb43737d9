//! Local edits of ERP records and the conflicts they can meet: an edit changes the cached
//! record and queues it for the ERP in one transaction; if the ERP changed the record too
//! before it arrived, the engine applies the system's strategy, and `manual` conflicts are
//! resolved here by a person.

use serde_json::{json, Map, Value};
use storelink_core::audit::AuditOutcome;
use storelink_core::conflict::{merge, Conflict, ConflictChoice, ConflictStatus};
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::ids::now;
use storelink_core::system::SystemType;
use storelink_core::{Actor, Operation, Page, PageRequest};
use storelink_store::conflicts::{self, ConflictFilter};
use storelink_store::erp_records::{self, ErpTable, RecordRow};
use storelink_store::{db_error, outbox, systems, SqliteConnection};

use crate::audit::{record, Change};
use crate::sync::parse_uuid;
use crate::Services;

/// The customer fields (seed 004 §2.1) a person may edit; the ERP owns the rest.
const CUSTOMER_EDITABLE: &[&str] = &[
    "name",
    "code",
    "type",
    "contacts",
    "addresses",
    "companyInfo",
    "financialInfo",
];

fn check_customer_changes(changes: &Value) -> Result<&Map<String, Value>, AppError> {
    let Some(map) = changes.as_object() else {
        return Err(AppError::field(
            "changes",
            Rule::Json,
            "changes must be a JSON object of customer fields",
        ));
    };
    let mut v = Violations::new();
    if map.is_empty() {
        v.push("changes", Rule::Required, "there is nothing to change");
    }
    for (key, value) in map {
        if !CUSTOMER_EDITABLE.contains(&key.as_str()) {
            v.push(
                key.clone(),
                Rule::OneOf {
                    allowed: CUSTOMER_EDITABLE.iter().map(|f| (*f).to_owned()).collect(),
                },
                format!("`{key}` is not a customer field Storelink may change"),
            );
            continue;
        }
        match key.as_str() {
            "name" if value.as_str().is_none_or(|s| s.trim().is_empty()) => {
                v.push("name", Rule::Required, "name must be a non-empty text");
            }
            "type" if !matches!(value.as_str(), Some("company" | "individual")) => v.push(
                "type",
                Rule::OneOf {
                    allowed: vec!["company".into(), "individual".into()],
                },
                "type must be company or individual",
            ),
            "contacts" | "addresses" if !value.is_array() => v.push(
                key.clone(),
                Rule::Format {
                    expected: "list".into(),
                },
                format!("{key} must be a list"),
            ),
            _ => {}
        }
    }
    v.into_result().map(|()| map)
}

/// Objects merge field by field; anything else (text, numbers, lists) is replaced.
fn merge_into(target: &mut Value, changes: &Value) {
    match (target, changes) {
        (Value::Object(t), Value::Object(c)) => {
            for (k, v) in c {
                match t.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge_into(slot, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, c) => *t = c.clone(),
    }
}

/// The outbox operation that sends a record of a stream back (`customer.update`).
fn update_operation(table: ErpTable) -> String {
    format!("{}.update", table.stream().trim_end_matches('s'))
}

/// Stores a record's data as the local version, keeping the fingerprint of the vendor's
/// version it is based on.
async fn write_local(
    tx: &mut SqliteConnection,
    table: ErpTable,
    system_id: uuid::Uuid,
    external_id: &str,
    data: Value,
    base_hash: String,
    remote_updated_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), AppError> {
    let mut row = RecordRow::new(table, external_id.to_owned(), &data, remote_updated_at);
    row.content_hash = base_hash;
    erp_records::write_rows(tx, table, system_id, &[&row]).await
}

impl Services {
    /// Changes a customer of an ERP here; the change reaches the ERP through the outbox.
    pub async fn update_erp_customer(
        &self,
        actor: &Actor,
        system_id: &str,
        external_id: &str,
        changes: &Value,
    ) -> Result<Value, AppError> {
        self.authorize(
            actor,
            Operation::ErpRecordsEdit,
            "customer",
            Some(external_id.to_owned()),
        )
        .await?;
        let system_id = parse_uuid("system", system_id)?;
        actor.require_system(system_id)?;
        let changes = check_customer_changes(changes)?;
        let table = ErpTable::Customers;
        let mut tx = self.db.write().await?;
        let system = systems::require(&mut tx, system_id).await?;
        if system.system_type != SystemType::Erp {
            return Err(AppError::field(
                "system_id",
                Rule::OneOf {
                    allowed: vec!["erp".into()],
                },
                "customers are edited on ERP systems only",
            ));
        }
        let stored = erp_records::stored(&mut tx, table, system_id, external_id)
            .await?
            .ok_or_else(|| AppError::not_found("customer", external_id))?;
        let mut data = stored.data.clone();
        merge_into(&mut data, &Value::Object(changes.clone()));
        if data == stored.data {
            return Ok(data);
        }
        let key = table.record_key(external_id);
        write_local(
            &mut tx,
            table,
            system_id,
            external_id,
            data.clone(),
            stored.content_hash,
            stored.remote_updated_at,
        )
        .await?;
        outbox::append(
            &mut tx,
            system_id,
            &key,
            &update_operation(table),
            &json!({"externalId": external_id, "record": data}),
        )
        .await?;
        conflicts::refresh_target(&mut tx, system_id, &key, &data).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::ErpRecordsEdit,
                entity: "customer",
                entity_id: Some(key),
                outcome: AuditOutcome::Success,
                before: None,
                after: Some(Value::Object(changes.clone())),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(data)
    }

    /// One cached ERP record (`customers`, `products` or `orders`), as Storelink holds it.
    pub async fn get_erp_record(
        &self,
        actor: &Actor,
        system_id: &str,
        stream: &str,
        external_id: &str,
    ) -> Result<Value, AppError> {
        self.authorize(
            actor,
            Operation::SystemsView,
            stream,
            Some(external_id.to_owned()),
        )
        .await?;
        let system_id = parse_uuid("system", system_id)?;
        actor.require_system(system_id)?;
        let table = ErpTable::from_stream(stream).ok_or_else(|| {
            AppError::field(
                "stream",
                Rule::OneOf {
                    allowed: vec!["customers".into(), "products".into(), "orders".into()],
                },
                format!("there are no ERP records called `{stream}`"),
            )
        })?;
        let mut conn = self.db.read().await?;
        erp_records::get(&mut conn, table, system_id, external_id)
            .await?
            .ok_or_else(|| AppError::not_found(table.stream(), external_id))
    }

    /// Conflicts, newest first.
    pub async fn list_conflicts(
        &self,
        actor: &Actor,
        system_id: Option<&str>,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Conflict>, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "conflict", None)
            .await?;
        let system_id = system_id.map(|s| parse_uuid("system", s)).transpose()?;
        let status = status
            .map(|s| {
                ConflictStatus::parse(s).ok_or_else(|| {
                    AppError::field(
                        "status",
                        Rule::OneOf {
                            allowed: ConflictStatus::NAMES
                                .iter()
                                .map(|n| (*n).to_owned())
                                .collect(),
                        },
                        "status must be open or resolved",
                    )
                })
            })
            .transpose()?;
        let mut conn = self.db.read().await?;
        conflicts::list(
            &mut conn,
            &ConflictFilter {
                system_id: actor.scope(system_id)?,
                status,
            },
            page,
        )
        .await
    }

    /// Settles an open conflict as a person chose: the record becomes the chosen version,
    /// local changes not yet sent are replaced, and anything that differs from the ERP's
    /// version is queued for it.
    pub async fn resolve_conflict(
        &self,
        actor: &Actor,
        id: &str,
        choice: &ConflictChoice,
    ) -> Result<Conflict, AppError> {
        self.authorize(
            actor,
            Operation::ConflictsResolve,
            "conflict",
            Some(id.to_owned()),
        )
        .await?;
        let id = parse_uuid("conflict", id)?;
        let mut tx = self.db.write().await?;
        let conflict = conflicts::get(&mut tx, id).await?;
        actor.require_system(conflict.system_id)?;
        if conflict.status != ConflictStatus::Open {
            return Err(AppError::Conflict {
                message: format!("conflict {id} is already resolved"),
                field: Some("status".into()),
            });
        }
        // Members (seed 000) are settled by the member sync's own rules.
        if conflict.entity == "member" {
            return self
                .resolve_member_conflict(actor, tx, conflict, choice)
                .await;
        }
        let (table, external_id) = ErpTable::from_stream(&conflict.entity)
            .zip(conflict.record_key.split_once(':').map(|(_, id)| id))
            .ok_or_else(|| AppError::internal(format!("conflict {id} names no ERP record")))?;
        let result = match choice {
            ConflictChoice::KeepLocal => conflict.target_data.clone(),
            ConflictChoice::TakeRemote => conflict.source_data.clone(),
            ConflictChoice::PerField { fields } => {
                merge(&conflict.target_data, &conflict.source_data, fields)?
            }
        };
        let source_hash = conflicts::source_hash(&mut tx, id).await?;
        let replaced = outbox::cancel_for_record(
            &mut tx,
            conflict.system_id,
            &conflict.record_key,
            &format!("replaced by the resolution of conflict {id}"),
        )
        .await?;
        let send = result != conflict.source_data;
        write_local(
            &mut tx,
            table,
            conflict.system_id,
            external_id,
            result.clone(),
            source_hash,
            conflict.source_updated_at,
        )
        .await?;
        if send {
            outbox::append(
                &mut tx,
                conflict.system_id,
                &conflict.record_key,
                &update_operation(table),
                &json!({"externalId": external_id, "record": result}),
            )
            .await?;
        }
        let resolution =
            json!({"choice": choice, "sent_to_vendor": send, "replaced_changes": replaced});
        settle(tx, actor, id, &conflict.record_key, resolution).await
    }
}

/// Marks a conflict resolved with what was done, audits it and commits: the last step of
/// resolving any conflict (ERP records and members alike).
pub(crate) async fn settle(
    mut tx: storelink_store::Tx,
    actor: &Actor,
    id: uuid::Uuid,
    record_key: &str,
    resolution: serde_json::Value,
) -> Result<Conflict, AppError> {
    conflicts::resolve(&mut tx, id, &resolution, &actor.username, now()).await?;
    record(
        &mut tx,
        actor,
        Change {
            op: Operation::ConflictsResolve,
            entity: "conflict",
            entity_id: Some(id.to_string()),
            outcome: AuditOutcome::Success,
            before: None,
            after: Some(resolution),
            detail: Some(record_key.to_owned()),
        },
    )
    .await?;
    let resolved = conflicts::get(&mut tx, id).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_merge_objects_and_replace_lists() {
        let mut data = json!({"name": "A", "companyInfo": {"taxNumber": "1", "industry": "x"}, "contacts": [{"name": "a"}, {"name": "b"}]});
        merge_into(
            &mut data,
            &json!({"companyInfo": {"taxNumber": "2"}, "contacts": [{"name": "c"}]}),
        );
        assert_eq!(
            data,
            json!({"name": "A", "companyInfo": {"taxNumber": "2", "industry": "x"}, "contacts": [{"name": "c"}]})
        );
    }

    #[test]
    fn only_editable_customer_fields_are_accepted() {
        assert!(check_customer_changes(&json!({"name": "新名字"})).is_ok());
        let err = check_customer_changes(&json!({"externalId": "X", "name": " ", "type": "robot"}))
            .expect_err("refused");
        let AppError::Validation { errors } = err else {
            panic!("not a validation error")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["externalId", "name", "type"]);
        assert!(check_customer_changes(&json!([])).is_err());
        assert!(check_customer_changes(&json!({})).is_err());
    }
}
