//! The writing side of an export, on a blocking thread: pages arrive through a channel of
//! two (so at most a few thousand rows wait in memory), go into the temporary file, and on
//! `Finish` the file is completed and renamed into place. If the sending side goes away
//! without `Finish` (cancelled, or a read failed) the temporary file is removed.
//!
//! CSV starts with a UTF-8 byte order mark, which is what makes Excel read Chinese text
//! correctly, and a text cell starting with `=`, `+`, `-` or `@` gets a leading `'`: a
//! vendor's data must not become a formula when the file is opened (CSV injection). The
//! .xlsx worksheets are written in constant-memory mode and a new worksheet is started
//! when one is full (1,048,576 rows).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use storelink_core::AppError;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::destination::Target;
use super::sheet::{Cell, Row};
use super::ExportFormat;

pub(crate) enum Batch {
    Rows(Vec<Row>),
    Finish,
}

pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Batch>>,
    thread: Option<JoinHandle<Result<(), AppError>>>,
}

pub(crate) fn start(target: Target, format: ExportFormat, headers: Vec<&'static str>) -> Writer {
    let (tx, rx) = mpsc::channel(2);
    let thread = tokio::task::spawn_blocking(move || run(rx, &target, format, &headers));
    Writer {
        tx: Some(tx),
        thread: Some(thread),
    }
}

impl Writer {
    /// Hands a page to the writer; `false` when the writer has stopped (it failed).
    pub async fn send(&mut self, rows: Vec<Row>) -> bool {
        match &self.tx {
            Some(tx) => tx.send(Batch::Rows(rows)).await.is_ok(),
            None => false,
        }
    }

    /// Completes the file and puts it in place.
    pub async fn finish(mut self) -> Result<(), AppError> {
        if let Some(tx) = self.tx.take() {
            // A writer that already stopped says why when joined.
            let _ = tx.send(Batch::Finish).await;
        }
        self.join().await
    }

    /// Stops without a file: what was written so far is removed.
    pub async fn abort(mut self) -> Result<(), AppError> {
        self.tx = None;
        self.join().await
    }

    async fn join(&mut self) -> Result<(), AppError> {
        match self.thread.take() {
            Some(thread) => thread.await.map_err(AppError::internal)?,
            None => Ok(()),
        }
    }
}

fn io_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("cannot write the export file: {e}"))
}

fn run(
    mut rx: mpsc::Receiver<Batch>,
    target: &Target,
    format: ExportFormat,
    headers: &[&'static str],
) -> Result<(), AppError> {
    let written = write(&mut rx, &target.temp, format, headers).and_then(|complete| {
        if complete {
            place(target).map(|()| true)
        } else {
            Ok(false)
        }
    });
    if !matches!(written, Ok(true)) {
        // Best effort: the file may never have been created.
        let _ = std::fs::remove_file(&target.temp);
    }
    written.map(|_| ())
}

/// `Ok(true)` when the file was completed, `Ok(false)` when the sender went away first.
fn write(
    rx: &mut mpsc::Receiver<Batch>,
    temp: &Path,
    format: ExportFormat,
    headers: &[&'static str],
) -> Result<bool, AppError> {
    let mut sink: Box<dyn Sink> = match format {
        ExportFormat::Csv => Box::new(CsvSink::create(temp, headers)?),
        ExportFormat::Xlsx => Box::new(XlsxSink::create(temp, headers)?),
    };
    while let Some(batch) = rx.blocking_recv() {
        match batch {
            Batch::Rows(rows) => {
                for row in &rows {
                    sink.row(row)?;
                }
            }
            Batch::Finish => {
                sink.finish()?;
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Renames the finished file into place, never over a file that appeared meanwhile.
fn place(target: &Target) -> Result<(), AppError> {
    if std::fs::symlink_metadata(&target.file).is_ok() {
        return Err(AppError::Conflict {
            message: format!(
                "{} appeared in the folder during the export; choose another name",
                target.file_name
            ),
            field: Some("file_name".into()),
        });
    }
    std::fs::rename(&target.temp, &target.file).map_err(io_error)
}

trait Sink {
    fn row(&mut self, row: &[Cell]) -> Result<(), AppError>;
    fn finish(self: Box<Self>) -> Result<(), AppError>;
}

struct CsvSink {
    out: csv::Writer<BufWriter<File>>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Money(m) => m.to_yuan_string(),
        Cell::Time(t) => Cell::local_time(*t),
        Cell::Empty => String::new(),
    }
}

impl CsvSink {
    fn create(path: &Path, headers: &[&'static str]) -> Result<Self, AppError> {
        let mut file = BufWriter::new(File::create_new(path).map_err(io_error)?);
        file.write_all(UTF8_BOM).map_err(io_error)?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(headers).map_err(io_error)?;
        Ok(CsvSink { out })
    }
}

impl Sink for CsvSink {
    fn row(&mut self, row: &[Cell]) -> Result<(), AppError> {
        self.out
            .write_record(row.iter().map(csv_text))
            .map_err(io_error)
    }

    fn finish(self: Box<Self>) -> Result<(), AppError> {
        let file = self.out.into_inner().map_err(io_error)?;
        let file = file.into_inner().map_err(io_error)?;
        file.sync_all().map_err(io_error)
    }
}

/// Rows per worksheet, the header included (Excel's limit).
const SHEET_ROWS: u32 = 1_048_576;
/// Excel keeps at most this many characters in a cell.
const CELL_CHARS: usize = 32_767;
const COLUMN_WIDTH: f64 = 18.0;

struct XlsxSink {
    book: Workbook,
    path: std::path::PathBuf,
    headers: Vec<&'static str>,
    sheets: usize,
    row: u32,
    header_format: Format,
    money_format: Format,
}

fn xlsx_error(e: XlsxError) -> AppError {
    io_error(e)
}

fn clipped(text: &str) -> &str {
    match text.char_indices().nth(CELL_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

impl XlsxSink {
    fn create(path: &Path, headers: &[&'static str]) -> Result<Self, AppError> {
        let mut sink = XlsxSink {
            book: Workbook::new(),
            path: path.to_owned(),
            headers: headers.to_vec(),
            sheets: 0,
            row: 0,
            header_format: Format::new().set_bold(),
            money_format: Format::new().set_align(FormatAlign::Right),
        };
        sink.new_sheet()?;
        Ok(sink)
    }

    /// The worksheet being written (fields borrowed one by one, so the formats stay usable).
    fn sheet(book: &mut Workbook, sheets: usize) -> Result<&mut Worksheet, AppError> {
        book.worksheet_from_index(sheets - 1).map_err(xlsx_error)
    }

    fn new_sheet(&mut self) -> Result<(), AppError> {
        self.book.add_worksheet_with_constant_memory();
        self.sheets += 1;
        let bold = &self.header_format;
        let sheet = Self::sheet(&mut self.book, self.sheets)?;
        for (col, header) in self.headers.iter().enumerate() {
            let col = u16::try_from(col).map_err(AppError::internal)?;
            sheet
                .set_column_width(col, COLUMN_WIDTH)
                .map_err(xlsx_error)?;
            sheet
                .write_string_with_format(0, col, *header, bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        self.row = 1;
        Ok(())
    }
}

impl Sink for XlsxSink {
    fn row(&mut self, row: &[Cell]) -> Result<(), AppError> {
        if self.row >= SHEET_ROWS {
            self.new_sheet()?;
        }
        let (r, money) = (self.row, &self.money_format);
        let sheet = Self::sheet(&mut self.book, self.sheets)?;
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col).map_err(AppError::internal)?;
            let written = match cell {
                Cell::Text(s) => sheet.write_string(r, col, clipped(s)),
                // Counts (points, quantities) are whole numbers far below 2^53: exact.
                Cell::Int(n) => sheet.write_number(r, col, *n as f64),
                Cell::Money(m) => sheet.write_string_with_format(r, col, m.to_yuan_string(), money),
                Cell::Time(t) => sheet.write_string(r, col, Cell::local_time(*t)),
                Cell::Empty => continue,
            };
            written.map_err(xlsx_error)?;
        }
        self.row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), AppError> {
        let path = self.path.clone();
        self.book.save(&path).map_err(xlsx_error)?;
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(io_error)
    }
}
