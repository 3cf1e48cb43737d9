//! Seed 002 Q4 "批量导入历史预订": a CSV or .xlsx of past reservations, imported all or
//! nothing. Every row is read into the body a manual sync would send and checked by the same
//! rules (`ReservationInput::validate`, then the status machine and the fields a new
//! reservation needs, as `apply` runs them); a row whose reservation_id is already stored
//! updates it exactly as a push would, and a row identical to what is stored changes
//! nothing. If any row fails, the report names each row, field and reason, and nothing is
//! written: the rows are applied in one IMMEDIATE transaction that is committed only when
//! every row went in. Times without an offset are the store's local time
//! (`config.utc_offset_minutes`, UTC+8 by default). Past bookings raise no live
//! notifications; each import (or refused attempt) is one audit entry.

mod columns;
mod sheet;

use serde::{Deserialize, Serialize};
use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule};
use storelink_core::reservation::ReservationInput;
use storelink_core::system::SystemType;
use storelink_core::{Actor, Operation};
use storelink_store::db_error;
use uuid::Uuid;

use super::{offset_of, parse_value, reservation};
use crate::audit::{record, Change};
use crate::Services;
use columns::Columns;
use sheet::Format;

/// The largest file accepted.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// The most reservations one file may hold.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// One problem with one row: its number in the file (the header is row 1 when it is the
/// first line), the field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// What an import did, or (with `errors`) why it wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub system_id: Uuid,
    pub file_name: String,
    /// `csv` or `xlsx`.
    pub format: String,
    /// Reservations in the file (blank rows not counted).
    pub rows: usize,
    /// Whether the rows were written (only when no row failed).
    pub imported: bool,
    pub created: usize,
    pub updated: usize,
    /// Rows identical to what was already stored.
    pub unchanged: usize,
    /// Columns of the platform's export that a push does not carry, left out.
    pub ignored_columns: Vec<String>,
    pub errors: Vec<RowError>,
}

/// A rule failure of one row, per field.
fn row_errors(row: usize, err: AppError) -> Vec<RowError> {
    match err {
        AppError::Validation { errors } => errors
            .into_iter()
            .map(|e| RowError {
                row,
                field: e.field,
                message: e.message,
            })
            .collect(),
        other => vec![RowError {
            row,
            field: "row".into(),
            message: other.to_string(),
        }],
    }
}

fn file_error(rule: Rule, message: String) -> AppError {
    AppError::field("file", rule, message)
}

impl Services {
    /// Imports historical reservations into a reservation system (managers only).
    /// Problems with the file as a whole (size, format, header, row count) are errors;
    /// problems with rows come back in the report, with nothing written.
    pub async fn import_reservations(
        &self,
        actor: &Actor,
        system_id: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<ImportReport, AppError> {
        self.authorize(actor, Operation::ReservationsImport, "reservation", None)
            .await?;
        let system = self.system_for(system_id, SystemType::Reservation).await?;
        actor.require_system(system.id)?;
        if bytes.is_empty() {
            return Err(file_error(Rule::Required, "the file is empty".into()));
        }
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(file_error(
                Rule::TooLong {
                    max: u32::try_from(MAX_IMPORT_BYTES).unwrap_or(u32::MAX),
                },
                format!(
                    "the file is {} bytes; at most {MAX_IMPORT_BYTES} are imported at once: split it",
                    bytes.len()
                ),
            ));
        }
        let format = Format::of(file_name, &bytes)?;
        // Unzipping and parsing a workbook is CPU work: off the async threads.
        let sheet =
            tokio::task::spawn_blocking(move || sheet::read(format, &bytes, MAX_IMPORT_ROWS))
                .await
                // calamine 0.31 panics on some damaged workbooks (a shared-string index
                // past the table, found by fuzz_import): the file is refused like any other
                // unreadable one.
                .map_err(|e| {
                    if e.is_panic() {
                        sheet::unreadable("the workbook is damaged and cannot be read")
                    } else {
                        AppError::internal(e)
                    }
                })??;
        let columns = Columns::from_header(&sheet.header)?;
        let offset = offset_of(&system);
        let mut report = ImportReport {
            system_id: system.id,
            file_name: file_name.to_owned(),
            format: format.as_str().to_owned(),
            rows: sheet.rows.len(),
            imported: false,
            created: 0,
            updated: 0,
            unchanged: 0,
            ignored_columns: columns.ignored.clone(),
            errors: Vec::new(),
        };
        let mut ready = Vec::new();
        for (row, cells) in &sheet.rows {
            // The push rules run on the cells that could be read, so a row's report
            // names every problem at once.
            let (body, unreadable) = columns.body(*row, cells);
            report.errors.extend(unreadable);
            let checked = parse_value::<ReservationInput>(body.clone())
                .and_then(|input| input.validate(offset));
            match checked {
                Ok(valid) => ready.push((*row, valid, body)),
                Err(e) => report.errors.extend(row_errors(*row, e)),
            }
        }
        if !report.errors.is_empty() {
            self.audit_import(actor, &report).await?;
            return Ok(report);
        }
        let mut tx = self.db.write().await?;
        for (row, valid, raw) in ready {
            match reservation::apply(&mut tx, &system, valid, None, raw).await {
                Ok(a) if a.duplicate => report.unchanged += 1,
                Ok(a) if a.created => report.created += 1,
                Ok(_) => report.updated += 1,
                // A rule of the stored record (status machine, a new one's required
                // fields): the row's fault; the other rows are still checked.
                Err(e @ AppError::Validation { .. }) => report.errors.extend(row_errors(row, e)),
                // Anything else (the database) stops the import; dropping `tx` rolls back.
                Err(e) => return Err(e),
            }
        }
        if !report.errors.is_empty() {
            drop(tx);
            report.created = 0;
            report.updated = 0;
            report.unchanged = 0;
            self.audit_import(actor, &report).await?;
            return Ok(report);
        }
        report.imported = true;
        record(&mut tx, actor, import_change(&report)).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(report)
    }

    /// The audit entry of an import that wrote nothing, on its own.
    async fn audit_import(&self, actor: &Actor, report: &ImportReport) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        record(&mut tx, actor, import_change(report)).await?;
        tx.commit().await.map_err(db_error)
    }
}

fn import_change(report: &ImportReport) -> Change<'static> {
    Change {
        op: Operation::ReservationsImport,
        entity: "reservation",
        entity_id: Some(report.system_id.to_string()),
        outcome: if report.imported {
            AuditOutcome::Success
        } else {
            AuditOutcome::Failed
        },
        before: None,
        after: Some(serde_json::json!({
            "file_name": report.file_name,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": report.errors.len(),
        })),
        detail: Some(format!("import of {}", report.file_name)),
    }
}
