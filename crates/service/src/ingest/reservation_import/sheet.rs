//! Reading an uploaded file into rows of cells: CSV (UTF-8, with or without the BOM Excel
//! writes) or the first worksheet of an .xlsx workbook. Row numbers are the file's own
//! (the header is row 1 when it is the first line), so a report points where a person looks.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use storelink_core::error::{AppError, Rule};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// An Excel number; read through its decimal text, never computed with.
    Float(f64),
    Bool(bool),
    /// An Excel date or time cell (no zone: the store's local time).
    DateTime(NaiveDateTime),
}

impl Cell {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as header text.
    pub(super) fn title(&self) -> String {
        match self {
            Cell::Text(t) => t.trim().trim_start_matches('\u{feff}').trim().to_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => f.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::DateTime(t) => t.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// The data rows: (row number in the file, cells), blank rows left out.
pub(super) struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// By the file name's extension; an unknown one by the content (an .xlsx is a zip).
    pub(super) fn of(file_name: &str, bytes: &[u8]) -> Result<Format, AppError> {
        let lower = file_name.trim().to_ascii_lowercase();
        if lower.ends_with(".csv") {
            return Ok(Format::Csv);
        }
        if lower.ends_with(".xlsx") {
            return Ok(Format::Xlsx);
        }
        if lower.ends_with(".xls") || lower.ends_with(".xlsb") || lower.ends_with(".ods") {
            return Err(unreadable(
                "only .xlsx workbooks are read: save the file as Excel Workbook (.xlsx) or CSV UTF-8",
            ));
        }
        if bytes.starts_with(b"PK\x03\x04") {
            Ok(Format::Xlsx)
        } else {
            Ok(Format::Csv)
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

pub(super) fn unreadable(message: impl Into<String>) -> AppError {
    AppError::field(
        "file",
        Rule::Format {
            expected: "a CSV (UTF-8) or .xlsx file with a header row".into(),
        },
        message,
    )
}

/// Reads the file; at most `max_rows` data rows (more is an error naming the limit).
pub(super) fn read(format: Format, bytes: &[u8], max_rows: usize) -> Result<Sheet, AppError> {
    let rows = match format {
        Format::Csv => csv_rows(bytes)?,
        Format::Xlsx => xlsx_rows(bytes)?,
    };
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| !cells.iter().all(Cell::is_empty));
    let (_, header) = rows
        .next()
        .ok_or_else(|| AppError::field("file", Rule::Required, "the file has no rows at all"))?;
    let header = header.iter().map(Cell::title).collect();
    let rows: Vec<_> = rows.take(max_rows.saturating_add(1)).collect();
    if rows.is_empty() {
        return Err(AppError::field(
            "file",
            Rule::Required,
            "the file has a header row but no reservations under it",
        ));
    }
    if rows.len() > max_rows {
        return Err(AppError::field(
            "file",
            Rule::OutOfRange {
                min: 1,
                max: i64::try_from(max_rows).unwrap_or(i64::MAX),
            },
            format!("the file has more than {max_rows} reservations: split it into several files"),
        ));
    }
    Ok(Sheet { header, rows })
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        unreadable(
            "the CSV is not UTF-8 text: in Excel choose Save As → CSV UTF-8 (Comma delimited)",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(format!("the CSV cannot be read: {e}")))?;
        // The line the record starts on (a quoted field may span lines).
        let line = record.position().map_or(out.len() + 1, |p| {
            usize::try_from(p.line()).unwrap_or(usize::MAX)
        });
        let cells = record
            .iter()
            .map(|c| match c.trim() {
                "" => Cell::Empty,
                t => Cell::Text(t.to_owned()),
            })
            .collect();
        out.push((line, cells));
    }
    Ok(out)
}

/// An Excel serial date-time → its calendar value (the 1900 date system).
pub(super) fn excel_datetime(value: ExcelDateTime) -> Option<NaiveDateTime> {
    // calamine converts serials of 1900-01-01 to 9999-12-31 only; past that its arithmetic
    // overflows (a panic, found by the import fuzzer) or gives years no time text can hold.
    if !(0.0..2_958_466.0).contains(&value.as_f64()) {
        return None;
    }
    let (y, mo, d, h, mi, s, _) = value.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))?.and_hms_opt(
        u32::from(h),
        u32::from(mi),
        u32::from(s),
    )
}

/// A number in a date column, read as the Excel serial it is.
pub(super) fn serial_datetime(value: f64) -> Option<NaiveDateTime> {
    excel_datetime(ExcelDateTime::new(
        value,
        ExcelDateTimeType::DateTime,
        false,
    ))
}

fn xlsx_cell(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => match s.trim() {
            "" => Cell::Empty,
            t => Cell::Text(t.to_owned()),
        },
        Data::Int(n) => Cell::Int(*n),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(t) => excel_datetime(*t).map_or(Cell::Empty, Cell::DateTime),
        Data::DateTimeIso(t) | Data::DurationIso(t) => Cell::Text(t.clone()),
    }
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("the workbook cannot be opened: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("the workbook has no worksheet"))?
        .map_err(|e| unreadable(format!("the first worksheet cannot be read: {e}")))?;
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            // Columns before the range's first one are empty in the sheet.
            let mut cells = vec![Cell::Empty; first_col];
            cells.extend(row.iter().map(xlsx_cell));
            (first + i + 1, cells)
        })
        .collect())
}
