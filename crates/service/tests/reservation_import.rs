//! Seed 002 Q4: importing historical reservations from CSV and .xlsx, all or nothing.
//! Run under scripts/with-keyring.sh (the system's API key goes to the real keychain).

mod common;

use common::{host, user, Host};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;
use storelink_core::reservation::{Reservation, ReservationStatus};
use storelink_core::{AppError, Role};
use storelink_service::ingest::{ImportReport, MAX_IMPORT_ROWS};
use storelink_service::records::ReservationQuery;
use uuid::Uuid;

async fn reservation_system(h: &Host) -> Uuid {
    let input = serde_json::from_value(json!({
        "name": format!("易订预订管理系统 {}", Uuid::now_v7()),
        "type": "reservation",
        "provider": "Yiding",
        "store_id": "store-001",
        "config": {"api_endpoint": "http://127.0.0.1:9/reservation", "api_key": "yd-key"}
    }))
    .expect("system input");
    h.services
        .create_system(&h.admin, input)
        .await
        .expect("system")
        .id
}

async fn stored(h: &Host, system: Uuid) -> Vec<Reservation> {
    let q = ReservationQuery {
        system_id: Some(system.to_string()),
        limit: Some(500),
        ..Default::default()
    };
    let mut items = h
        .services
        .list_reservations(&h.admin, q)
        .await
        .expect("list")
        .items;
    items.sort_by(|a, b| a.reservation_id.cmp(&b.reservation_id));
    items
}

async fn import(
    h: &Host,
    system: Uuid,
    name: &str,
    bytes: &[u8],
) -> Result<ImportReport, AppError> {
    h.services
        .import_reservations(&h.admin, &system.to_string(), name, bytes.to_vec())
        .await
}

const HEADER: &str = "reservation_id,external_id,reservation_number,customer_name,customer_phone,customer_count,reservation_date,reservation_time,table_type,area,status,special_requirements,notes,deposit_required,deposit_amount,deposit_paid,source,channel";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.into_bytes()
}

const ROW1: &str = "RES-2024-001,yiding_res_001,YD20240214001,张三,13800138000,4,2024-02-15T00:00:00,18:00-20:00,圆桌,大厅,confirmed,\"靠窗位置，需要儿童座椅\",客户是VIP会员,true,200.00,true,yiding,微信小程序";
const ROW2: &str = "RES-2024-002,yiding_res_002,YD20240214002,李四,13900139000,2,2024-02-16,12:00-14:00,方桌,大厅,completed,,,false,,false,yiding,电话";
const ROW3: &str = "RES-2024-003,,,王五,13700137000,6,2024-02-17 19:00:00,19:00-21:00,包间,包间区,pending,,,,,,yiding,官网";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_file_imports_every_row_and_a_second_run_changes_nothing() {
    let h = host().await;
    let system = reservation_system(&h).await;
    let bytes = csv(&[ROW1, ROW2, ROW3]);
    let report = import(&h, system, "history.csv", &bytes)
        .await
        .expect("import");
    assert!(report.imported, "{report:?}");
    assert_eq!(
        (report.rows, report.created, report.format.as_str()),
        (3, 3, "csv")
    );
    let rows = stored(&h, system).await;
    assert_eq!(rows.len(), 3);
    let first = &rows[0];
    assert_eq!(first.customer_name, "张三");
    assert_eq!(
        first.external_reservation_id.as_deref(),
        Some("yiding_res_001")
    );
    assert_eq!(first.deposit_amount.fen(), 20_000);
    assert!(first.deposit_paid && first.deposit_required);
    assert_eq!(first.status, ReservationStatus::Confirmed);
    // Local midnight in the store's zone (UTC+8).
    assert_eq!(
        first.reservation_date.to_rfc3339(),
        "2024-02-14T16:00:00+00:00"
    );
    assert_eq!(
        rows[2].reservation_date.to_rfc3339(),
        "2024-02-17T11:00:00+00:00"
    );
    assert_eq!(rows[1].status, ReservationStatus::Completed);
    // The same file again: nothing changes.
    let again = import(&h, system, "history.csv", &bytes)
        .await
        .expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    // An existing reservation_id is updated as a push would: the status moves forward.
    let changed = ROW3.replace(",pending,", ",confirmed,");
    let update = import(&h, system, "fix.csv", &csv(&[&changed]))
        .await
        .expect("update");
    assert_eq!((update.created, update.updated), (0, 1));
    assert_eq!(
        stored(&h, system).await[2].status,
        ReservationStatus::Confirmed
    );
    let audit = h
        .services
        .audit_log(&h.admin, Some(&system.to_string()), 10)
        .await
        .expect("audit");
    let imports: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "reservations_import")
        .collect();
    assert_eq!(imports.len(), 3, "{audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xlsx_workbook_with_chinese_titles_and_excel_cells_imports() {
    let h = host().await;
    let system = reservation_system(&h).await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let titles = [
        "预订ID",
        "易订系统预订ID",
        "客户姓名",
        "客户电话",
        "人数",
        "预订日期",
        "时间段",
        "桌号",
        "状态",
        "需要预付款",
        "预付款金额",
        "预付款已付",
        "备注",
        "created_at",
    ];
    for (col, title) in titles.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).expect("title");
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (i, (id, name, phone, count, day)) in [
        ("RES-X-1", "赵六", 13800138001.0, 8.0, 15),
        ("RES-X-2", "钱七", 13800138002.0, 3.0, 16),
    ]
    .into_iter()
    .enumerate()
    {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, id).expect("id");
        sheet
            .write_string(row, 1, format!("yd-{id}"))
            .expect("external");
        sheet.write_string(row, 2, name).expect("name");
        sheet
            .write_number(row, 3, phone)
            .expect("phone as a number");
        sheet.write_number(row, 4, count).expect("count");
        let day = ExcelDateTime::from_ymd(2024, 3, day).expect("date");
        sheet
            .write_datetime_with_format(row, 5, &day, &date)
            .expect("date cell");
        sheet.write_string(row, 6, "18:00-20:00").expect("slot");
        sheet.write_string(row, 7, "A08").expect("table");
        sheet.write_string(row, 8, "confirmed").expect("status");
        sheet.write_boolean(row, 9, count >= 8.0).expect("flag");
        sheet
            .write_number(row, 10, if count >= 8.0 { 199.5 } else { 0.0 })
            .expect("money");
        sheet
            .write_string(row, 11, if count >= 8.0 { "是" } else { "否" })
            .expect("paid");
        sheet
            .write_string(row, 13, "2024-02-01T10:00:00")
            .expect("ignored column");
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let report = import(&h, system, "历史预订.xlsx", &bytes)
        .await
        .expect("import");
    assert!(report.imported, "{report:?}");
    assert_eq!((report.format.as_str(), report.created), ("xlsx", 2));
    assert_eq!(report.ignored_columns, vec!["created_at".to_owned()]);
    let rows = stored(&h, system).await;
    let first = &rows[0];
    assert_eq!(first.customer_phone.as_deref(), Some("13800138001"));
    assert_eq!(first.customer_count, 8);
    assert_eq!(
        first.reservation_date.to_rfc3339(),
        "2024-03-14T16:00:00+00:00"
    );
    assert_eq!(first.deposit_amount.fen(), 19_950);
    assert!(first.deposit_required && first.deposit_paid);
    assert_eq!(first.table_number.as_deref(), Some("A08"));
    assert!(!rows[1].deposit_paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_row_is_reported_by_row_and_field_and_nothing_is_written() {
    let h = host().await;
    let system = reservation_system(&h).await;
    let bad_phone = ROW2.replace("13900139000", "12345");
    let report = import(&h, system, "bad.csv", &csv(&[ROW1, &bad_phone, ROW3]))
        .await
        .expect("report");
    assert!(!report.imported);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(
        (report.errors[0].row, report.errors[0].field.as_str()),
        (3, "customer_phone")
    );
    assert!(stored(&h, system).await.is_empty(), "nothing written");
    // A rule only the stored record can check (a completed booking cannot be cancelled)
    // fails its row, and the good rows before it are rolled back too.
    import(&h, system, "one.csv", &csv(&[ROW2]))
        .await
        .expect("seed row");
    let backwards = ROW2.replace(",completed,", ",cancelled,");
    let report = import(&h, system, "mixed.csv", &csv(&[ROW1, ROW3, &backwards]))
        .await
        .expect("report");
    assert!(!report.imported);
    assert_eq!(
        (report.errors[0].row, report.errors[0].field.as_str()),
        (4, "status")
    );
    assert_eq!((report.created, report.updated), (0, 0));
    let rows = stored(&h, system).await;
    assert_eq!(rows.len(), 1, "only the earlier import");
    assert_eq!(rows[0].status, ReservationStatus::Completed);
    // Every problem of a row is named at once.
    let report = import(
        &h,
        system,
        "cells.csv",
        &csv(&["RES-9,,,,,four,someday,,,,lost,,,maybe,1.234,,,"]),
    )
    .await
    .expect("report");
    let mut fields: Vec<&str> = report.errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "customer_count",
            "deposit_amount",
            "deposit_required",
            "reservation_date",
            "status"
        ],
        "{:?}",
        report.errors
    );
    // A new reservation needs a name, a guest count and a date, as a push does.
    let report = import(&h, system, "bare.csv", &csv(&["RES-10,,,,,,,,,,,,,,,,,"]))
        .await
        .expect("report");
    let mut fields: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str()))
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            (2, "customer_count"),
            (2, "customer_name"),
            (2, "reservation_date")
        ]
    );
    assert_eq!(stored(&h, system).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_itself_is_checked_with_clear_errors() {
    let h = host().await;
    let system = reservation_system(&h).await;
    let field_message = |r: Result<ImportReport, AppError>| match r {
        Err(AppError::Validation { errors }) => {
            format!("{}: {}", errors[0].field, errors[0].message)
        }
        other => panic!("not refused: {other:?}"),
    };
    let unknown = field_message(import(&h, system, "a.csv", b"reservation_id,guest\nR1,x").await);
    assert!(unknown.contains("`guest`"), "{unknown}");
    let no_id = field_message(import(&h, system, "a.csv", b"customer_name\nx").await);
    assert!(no_id.contains("reservation_id"), "{no_id}");
    let gbk = field_message(import(&h, system, "a.csv", b"reservation_id\n\xd5\xc5").await);
    assert!(gbk.contains("UTF-8"), "{gbk}");
    let empty = field_message(import(&h, system, "a.csv", HEADER.as_bytes()).await);
    assert!(empty.starts_with("file:"), "{empty}");
    let mut many = String::from("reservation_id");
    for i in 0..=MAX_IMPORT_ROWS {
        many.push_str(&format!("\nR{i}"));
    }
    let too_many = field_message(import(&h, system, "a.csv", many.as_bytes()).await);
    assert!(
        too_many.contains(&MAX_IMPORT_ROWS.to_string()),
        "{too_many}"
    );
    let xls = field_message(import(&h, system, "old.xls", b"\xd0\xcf\x11\xe0").await);
    assert!(xls.contains(".xlsx"), "{xls}");
    assert!(stored(&h, system).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_managers_may_import() {
    let h = host().await;
    let system = reservation_system(&h).await;
    for (name, role) in [
        ("floor", Role::FloorManager),
        ("crm", Role::CustomerManager),
    ] {
        let actor = user(&h, name, role).await;
        let refused = h
            .services
            .import_reservations(&actor, &system.to_string(), "h.csv", csv(&[ROW1]))
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { ref operation, .. }) if operation == "reservations_import"),
            "{refused:?}"
        );
    }
    let manager = user(&h, "boss", Role::StoreManager).await;
    let ok = h
        .services
        .import_reservations(&manager, &system.to_string(), "h.csv", csv(&[ROW1]))
        .await
        .expect("store managers may");
    assert_eq!(ok.created, 1);
    assert_eq!(stored(&h, system).await.len(), 1);
}
