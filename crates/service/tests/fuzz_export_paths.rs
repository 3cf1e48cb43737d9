//! Export destinations fuzzed (the desktop's and CLI's "export to" folder and file name):
//! `..` in either, absolute folders outside the chosen one, relative folders, folders and
//! names through symlinks, hostile names. An export either writes exactly one new regular
//! file directly inside the chosen folder (its real path), or is refused; nothing else in
//! the tree changes: no file appears or is replaced elsewhere, no symlink is followed to
//! write its target, no temporary file is left. Run under scripts/with-keyring.sh.
//! Cases: 300, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;
mod records_support;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use records_support::{host, options, pos_with_three_sales, recording_job};
use storelink_core::AppError;
use storelink_service::export::{
    ExportDestination, ExportFormat, ExportLanguage, ExportStatus, RecordFilter,
};
use storelink_service::records::PosQuery;

/// Every entry under `root` (symlinks as their target text, never followed), with the
/// content of regular files: what must not change.
fn tree(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let what = if meta.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&path).expect("link").display())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "dir".to_owned()
            } else {
                format!(
                    "{} bytes {:?}",
                    meta.len(),
                    std::fs::read(&path).ok().map(|b| b.len())
                )
            };
            out.insert(path, what);
        }
    }
    out
}

/// `root/exports` (the chosen folder), `root/outside/secret.txt`, and symlinks inside the
/// chosen folder to a file outside, to a missing file outside, and to the folder itself.
fn layout(root: &Path) -> PathBuf {
    let exports = root.join("exports");
    let outside = root.join("outside");
    std::fs::create_dir_all(&exports).expect("exports");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::write(outside.join("secret.txt"), "keep me").expect("secret");
    let link = |target: &Path, at: &Path| std::os::unix::fs::symlink(target, at).expect("symlink");
    link(&outside.join("secret.txt"), &exports.join("link_out.csv"));
    link(&outside.join("new.csv"), &exports.join("dangling.csv"));
    link(&outside, &exports.join("outside_dir"));
    link(&exports, &root.join("exports_link"));
    exports
}

fn folder(root: &Path) -> impl Strategy<Value = String> {
    let r = root.display().to_string();
    prop_oneof![
        3 => Just(format!("{r}/exports")),
        1 => Just(format!("{r}/exports/")),
        1 => Just(format!("  {r}/exports  ")),
        1 => Just(format!("{r}/exports/../outside")),
        1 => Just(format!("{r}/exports/./")),
        1 => Just(format!("{r}/exports/outside_dir/..")),
        1 => Just(format!("{r}/exports_link")),
        1 => Just(format!("{r}/missing")),
        1 => Just("exports".to_owned()),
        1 => Just("../../etc".to_owned()),
        1 => Just(format!("{r}/outside/secret.txt")),
        1 => json::nasty_string(),
    ]
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-zA-Z0-9 _.-]{1,20}",
        2 => prop::sample::select(vec![
            "report", "report.csv", "report.XLSX", "../escaped.csv", "..", ".", "./x.csv",
            "link_out.csv", "link_out", "dangling.csv", "dangling", "outside_dir/new.csv",
            "a/b.csv", "a\\b.csv", ".hidden.csv", "con", "nul\0.csv", "tab\t.csv", "\u{202e}vsc.exe",
            "C:\\Windows\\x.csv", "/etc/passwd", "~/x.csv", "%2e%2e%2fx.csv", "*.csv",
        ]).prop_map(str::to_owned),
        1 => json::nasty_string(),
    ]
}

#[test]
fn exports_write_one_file_inside_the_chosen_folder_or_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let h = rt.block_on(host());
    rt.block_on(pos_with_three_sales(&h));
    let root_dir = tempfile::tempdir().expect("root");
    let root = root_dir.path().canonicalize().expect("real root");
    let exports = layout(&root);
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(json::config(cases));
    let strategy = (folder(&root), file_name(), any::<bool>());
    let (written, refused) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&strategy, |(folder, file_name, xlsx)| {
        let before = tree(&root);
        let format = if xlsx {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Csv
        };
        let dest = ExportDestination {
            folder: folder.clone(),
            file_name: file_name.clone(),
        };
        let (job, _) = recording_job();
        let filter = RecordFilter::PosTransactions(PosQuery::default());
        let r = rt.block_on(h.services.export_records(
            &h.admin,
            filter,
            options(format, ExportLanguage::En),
            &dest,
            &job,
        ));
        let mut after = tree(&root);
        match r {
            Ok(outcome) => {
                prop_assert_eq!(outcome.status, ExportStatus::Completed);
                let path = PathBuf::from(outcome.path.clone().unwrap_or_default());
                let new: Vec<&PathBuf> =
                    after.keys().filter(|p| !before.contains_key(*p)).collect();
                prop_assert_eq!(new, vec![&path], "{:?} {:?}", folder, file_name);
                prop_assert_eq!(
                    path.parent(),
                    Some(exports.as_path()),
                    "written outside the chosen folder"
                );
                let meta = std::fs::symlink_metadata(&path).expect("written");
                prop_assert!(meta.is_file() && meta.len() > 0);
                after.remove(&path);
                std::fs::remove_file(&path).expect("clean up");
                written.set(written.get() + 1);
            }
            Err(AppError::Validation { .. } | AppError::Conflict { .. }) => {
                refused.set(refused.get() + 1)
            }
            Err(other) => {
                return Err(TestCaseError::fail(format!(
                    "{folder:?} {file_name:?}: {other:?}"
                )))
            }
        }
        prop_assert_eq!(
            after,
            before,
            "{:?} {:?} changed the tree",
            folder,
            file_name
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (written, refused) = (written.get(), refused.get());
    eprintln!("{written} written, {refused} refused");
    assert!(
        written > 0 && refused > 0,
        "every export ended the same way"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("outside/secret.txt")).expect("secret"),
        "keep me"
    );
}
