//! Exports of the records lists: the .xlsx read back row by row, the CSV parsed, a cancel
//! leaving no file, and every export audited (refusals: records_export_guards.rs). Run
//! under `scripts/with-keyring.sh`.

mod records_support;

use std::sync::{Arc, Mutex};

use calamine::{open_workbook, Data, Reader, Xlsx};
use records_support::{
    customer, file_names, host, into, options, pos_with_three_sales, recording_job,
};
use storelink_core::Role;
use storelink_service::erp_lists::CustomerQuery;
use storelink_service::export::{
    ExportFormat, ExportJob, ExportLanguage, ExportOutcome, ExportProgress, ExportStatus,
    RecordFilter,
};
use storelink_service::records::PosQuery;
use storelink_store::erp_records::ErpTable;

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn xlsx_export_holds_exactly_the_filtered_rows() {
    let h = host().await;
    let pos = pos_with_three_sales(&h).await;
    let folder = tempfile::tempdir().expect("folder");
    let manager = h.user("manager", Role::StoreManager).await;
    let filter = RecordFilter::PosTransactions(PosQuery {
        start_time: Some("2025-11-20T00:00:00".into()),
        end_time: Some("2025-11-21T00:00:00".into()),
        ..Default::default()
    });
    let (job, progress) = recording_job();

    let outcome = h
        .services
        .export_records(
            &manager,
            filter,
            options(ExportFormat::Xlsx, ExportLanguage::Zh),
            &into(folder.path(), "11月20日交易"),
            &job,
        )
        .await
        .expect("export");

    let path = folder
        .path()
        .canonicalize()
        .expect("canonical")
        .join("11月20日交易.xlsx");
    assert_eq!(
        outcome,
        ExportOutcome {
            status: ExportStatus::Completed,
            rows: 2,
            path: Some(path.display().to_string()),
        }
    );
    assert_eq!(
        file_names(folder.path()),
        ["11月20日交易.xlsx"],
        "no temp file left"
    );
    assert_eq!(
        *progress.lock().expect("progress"),
        [ExportProgress {
            written: 2,
            total: 2
        }]
    );
    let mut book: Xlsx<_> = open_workbook(&path).expect("a valid .xlsx");
    let sheet = book.worksheet_range("Sheet1").expect("Sheet1");
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][..3], ["系统", "交易时间", "交易号"]);
    assert_eq!(rows[0][10], "合计");
    // Newest first, times in the store's local time, money exact to the fen.
    assert_eq!(rows[1][..3], ["前台POS", "2025-11-20 12:30:00", "TXN-2"]);
    assert_eq!(rows[1][10], "18.05");
    assert_eq!(rows[1][11], "wechat_pay");
    assert_eq!(rows[1][12], "宫保鸡丁×1");
    assert_eq!(rows[2][2], "TXN-1");
    assert_eq!(rows[2][10], "296.80");
    assert_eq!(rows[2][13], "success");

    let audit = h
        .services
        .audit_log(&h.admin, None, 20)
        .await
        .expect("audit");
    let entry = audit
        .iter()
        .find(|e| e.action == "records_export")
        .expect("the export is audited");
    assert_eq!(entry.actor, "manager");
    assert_eq!(entry.entity, "pos_transactions");
    assert_eq!(entry.detail.as_deref(), Some("2 rows to 11月20日交易.xlsx"));
    assert_eq!(
        entry.after.as_ref().expect("filter")["start_time"],
        "2025-11-20T00:00:00"
    );
    let _ = pos;
}

#[tokio::test]
async fn csv_export_streams_every_page_and_defuses_formulas() {
    let h = host().await;
    let erp = h.system("总部ERP", "erp", "custom").await;
    let mut customers: Vec<_> = (0..1500)
        .map(|i| customer(&format!("C{i:04}"), &format!("客户{i}"), "active"))
        .collect();
    customers.push(customer("X1", "=HYPERLINK(\"http://x\")", "active"));
    customers.push(customer("X2", "停用客户", "inactive"));
    h.store(ErpTable::Customers, &erp, &customers).await;
    let folder = tempfile::tempdir().expect("folder");
    let (job, progress) = recording_job();
    let filter = RecordFilter::Customers(CustomerQuery {
        status: Some("active".into()),
        ..Default::default()
    });

    let outcome = h
        .services
        .export_records(
            &h.admin,
            filter,
            options(ExportFormat::Csv, ExportLanguage::En),
            &into(folder.path(), "customers.csv"),
            &job,
        )
        .await
        .expect("export");

    assert_eq!(outcome.rows, 1501);
    assert_eq!(
        *progress.lock().expect("progress"),
        [
            ExportProgress {
                written: 1000,
                total: 1501
            },
            ExportProgress {
                written: 1501,
                total: 1501
            },
        ]
    );
    let bytes = std::fs::read(folder.path().join("customers.csv")).expect("file");
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("UTF-8 byte order mark");
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>()[..4],
        ["System", "External ID", "Code", "Name"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1501);
    assert_eq!(&rows[0][1], "X1");
    assert_eq!(
        &rows[0][3], "'=HYPERLINK(\"http://x\")",
        "a vendor's text is not a formula"
    );
    assert_eq!(&rows[1][1], "C1499");
    assert_eq!(&rows[1500][1], "C0000");
    assert!(rows.iter().all(|r| &r[4] == "active" && &r[0] == "总部ERP"));
}

#[tokio::test]
async fn a_cancelled_export_leaves_no_file() {
    let h = host().await;
    let erp = h.system("总部ERP", "erp", "custom").await;
    let customers: Vec<_> = (0..2500)
        .map(|i| customer(&format!("C{i:04}"), "客户", "active"))
        .collect();
    h.store(ErpTable::Customers, &erp, &customers).await;
    let folder = tempfile::tempdir().expect("folder");
    // Cancelled as soon as the first page is written, as a person pressing "cancel" would.
    let job = Arc::new(Mutex::new(None::<Arc<ExportJob>>));
    let handle = job.clone();
    let export_job = Arc::new(ExportJob::new(move |_| {
        if let Some(j) = handle.lock().expect("job").as_ref() {
            j.cancel();
        }
    }));
    *job.lock().expect("job") = Some(export_job.clone());

    let outcome = h
        .services
        .export_records(
            &h.admin,
            RecordFilter::Customers(CustomerQuery::default()),
            options(ExportFormat::Xlsx, ExportLanguage::Zh),
            &into(folder.path(), "all-customers"),
            &export_job,
        )
        .await
        .expect("cancelled, not failed");

    assert_eq!(
        outcome,
        ExportOutcome {
            status: ExportStatus::Cancelled,
            rows: 1000,
            path: None,
        }
    );
    assert!(
        file_names(folder.path()).is_empty(),
        "{:?}",
        file_names(folder.path())
    );
    let audit = h
        .services
        .audit_log(&h.admin, None, 20)
        .await
        .expect("audit");
    assert!(!audit.iter().any(|e| e.action == "records_export"));
}
