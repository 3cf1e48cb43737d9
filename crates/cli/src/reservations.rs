//! `storelink reservations import --system ID FILE`: seed 002 Q4's bulk import of past
//! reservations, with the report printed (every bad row with its field and reason).

use storelink_core::{Actor, AppError, Rule};
use storelink_service::ingest::{ImportReport, MAX_IMPORT_BYTES};
use storelink_service::Services;

use crate::args::ReservationsCommand;
use crate::output::Output;

pub async fn run(
    cmd: ReservationsCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        ReservationsCommand::Import { system, file } => {
            let size = tokio::fs::metadata(&file)
                .await
                .map_err(|e| file_error(format!("cannot read {}: {e}", file.display())))?
                .len();
            // Refused before reading a huge file into memory; the service checks again.
            if usize::try_from(size).map_or(true, |n| n > MAX_IMPORT_BYTES) {
                return Err(file_error(format!(
                    "{} is {size} bytes; at most {MAX_IMPORT_BYTES} are imported at once",
                    file.display()
                )));
            }
            let bytes = tokio::fs::read(&file)
                .await
                .map_err(|e| file_error(format!("cannot read {}: {e}", file.display())))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report = services
                .import_reservations(actor, &system, &name, bytes)
                .await?;
            out.print(&report, || text(&report))?;
            if report.imported {
                Ok(())
            } else {
                // Exit 2 (bad input) so scripts notice; the rows are listed above.
                Err(AppError::field(
                    "file",
                    Rule::Format {
                        expected: "every row valid".into(),
                    },
                    format!(
                        "{} row problem(s): nothing was imported",
                        report.errors.len()
                    ),
                ))
            }
        }
    }
}

fn file_error(message: String) -> AppError {
    AppError::field("file", Rule::Required, message)
}

fn text(r: &ImportReport) -> String {
    let mut lines = vec![format!(
        "{} ({}): {} reservation(s)",
        r.file_name, r.format, r.rows
    )];
    if r.imported {
        lines.push(format!(
            "imported: {} created, {} updated, {} unchanged",
            r.created, r.updated, r.unchanged
        ));
    } else {
        lines.push("nothing imported; fix these rows and import the file again:".to_owned());
        for e in &r.errors {
            lines.push(format!("  row {}: {}: {}", e.row, e.field, e.message));
        }
    }
    if !r.ignored_columns.is_empty() {
        lines.push(format!(
            "columns left out: {}",
            r.ignored_columns.join(", ")
        ));
    }
    lines.join("\n")
}
