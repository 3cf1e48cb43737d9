//! Exports refused before a byte is written: paths outside the chosen folder (`..`, a
//! folder in the file name, a relative folder, an existing file) and roles without
//! `records_export`, each refusal audited. Run under `scripts/with-keyring.sh`.

mod records_support;

use records_support::{file_names, host, into, options, pos_with_three_sales, recording_job};
use storelink_core::{AppError, Role};
use storelink_service::export::{
    ExportDestination, ExportFormat, ExportLanguage, ExportOutcome, RecordFilter,
};
use storelink_service::records::PosQuery;

#[tokio::test]
async fn paths_outside_the_chosen_folder_are_refused() {
    let h = host().await;
    pos_with_three_sales(&h).await;
    let parent = tempfile::tempdir().expect("parent");
    let folder = parent.path().join("exports");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("taken.csv"), "keep me").expect("existing file");
    let pos = || RecordFilter::PosTransactions(PosQuery::default());
    let csv = options(ExportFormat::Csv, ExportLanguage::Zh);
    let attempt = |dest: ExportDestination| {
        let services = h.services.clone();
        let admin = h.admin.clone();
        async move {
            let (job, _) = recording_job();
            services
                .export_records(&admin, pos(), csv, &dest, &job)
                .await
        }
    };
    let field_of = |r: Result<ExportOutcome, AppError>| match r {
        Err(AppError::Validation { errors }) => errors[0].field.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    };

    assert_eq!(
        field_of(attempt(into(&folder, "../escaped.csv")).await),
        "file_name"
    );
    assert_eq!(field_of(attempt(into(&folder, "..")).await), "file_name");
    assert_eq!(
        field_of(attempt(into(&folder, "sub/inner.csv")).await),
        "file_name"
    );
    let dotted = format!("{}/../exports", folder.display());
    let traversal = ExportDestination {
        folder: dotted,
        file_name: "a.csv".into(),
    };
    assert_eq!(field_of(attempt(traversal).await), "folder");
    let relative = ExportDestination {
        folder: "exports".into(),
        file_name: "a.csv".into(),
    };
    assert_eq!(field_of(attempt(relative).await), "folder");
    let taken = attempt(into(&folder, "taken")).await;
    assert!(matches!(taken, Err(AppError::Conflict { .. })), "{taken:?}");

    assert_eq!(
        file_names(parent.path()),
        ["exports"],
        "nothing written beside the folder"
    );
    assert_eq!(file_names(&folder), ["taken.csv"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("taken.csv")).expect("kept"),
        "keep me"
    );
}

#[tokio::test]
async fn roles_without_records_export_are_refused_and_audited() {
    let h = host().await;
    pos_with_three_sales(&h).await;
    let folder = tempfile::tempdir().expect("folder");
    for (name, role) in [
        ("waiter", Role::Staff),
        ("floor", Role::FloorManager),
        ("stock", Role::WarehouseManager),
    ] {
        let actor = h.user(name, role).await;
        let (job, progress) = recording_job();
        let refused = h
            .services
            .export_records(
                &actor,
                RecordFilter::PosTransactions(PosQuery::default()),
                options(ExportFormat::Xlsx, ExportLanguage::Zh),
                &into(folder.path(), name),
                &job,
            )
            .await;
        match refused {
            Err(AppError::Forbidden { operation, .. }) => assert_eq!(operation, "records_export"),
            other => panic!("{name} was not refused: {other:?}"),
        }
        assert!(progress.lock().expect("progress").is_empty());
    }
    assert!(file_names(folder.path()).is_empty());
    let audit = h
        .services
        .audit_log(&h.admin, None, 50)
        .await
        .expect("audit");
    let refusals = audit
        .iter()
        .filter(|e| e.action == "records_export" && e.outcome.as_str() == "forbidden")
        .count();
    assert_eq!(refusals, 3);
}
