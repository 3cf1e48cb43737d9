//! Where an export may be written: a plain file name inside the folder the person chose.
//! Anything that could reach elsewhere (a `..`, a folder separator in the name, a relative
//! folder) is refused before a byte is written, and an existing file is never replaced.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Rule};
use storelink_core::ids::new_id;

use super::ExportFormat;

/// The folder the person chose and the file name to create in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportDestination {
    /// An absolute path of an existing folder.
    pub folder: String,
    /// A file name without folders; the format's extension is added when missing.
    pub file_name: String,
}

/// A checked destination: the final file and the temporary one written first, beside it
/// (same folder, so the final rename cannot cross file systems).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub file: PathBuf,
    pub temp: PathBuf,
    pub file_name: String,
}

/// Characters no file name may hold on any of the desktop systems Storelink runs on.
const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];
const MAX_NAME_CHARS: usize = 200;

fn format_error(field: &str, expected: &str, message: String) -> AppError {
    AppError::field(
        field,
        Rule::Format {
            expected: expected.into(),
        },
        message,
    )
}

fn checked_folder(text: &str) -> Result<PathBuf, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(
            "folder",
            Rule::Required,
            "choose the folder to export to",
        ));
    }
    let path = Path::new(text);
    let expected = "an absolute path of an existing folder";
    if path.components().any(|c| c == Component::ParentDir) {
        return Err(format_error(
            "folder",
            expected,
            "the folder may not contain `..`".into(),
        ));
    }
    if !path.is_absolute() {
        return Err(format_error(
            "folder",
            expected,
            "the folder must be an absolute path".into(),
        ));
    }
    match path.canonicalize() {
        Ok(folder) if folder.is_dir() => Ok(folder),
        _ => Err(format_error(
            "folder",
            expected,
            format!("{text} is not an existing folder"),
        )),
    }
}

fn checked_name(text: &str, format: ExportFormat) -> Result<String, AppError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(AppError::field(
            "file_name",
            Rule::Required,
            "enter a file name",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::field(
            "file_name",
            Rule::TooLong {
                max: MAX_NAME_CHARS as u32,
            },
            format!("the file name is longer than {MAX_NAME_CHARS} characters"),
        ));
    }
    let plain =
        !name.starts_with('.') && !name.contains(FORBIDDEN) && !name.chars().any(char::is_control);
    if !plain {
        return Err(format_error(
            "file_name",
            "a file name without folders, not starting with a dot",
            format!("`{name}` is not a plain file name"),
        ));
    }
    let extension = format!(".{}", format.extension());
    Ok(if name.to_lowercase().ends_with(&extension) {
        name.to_owned()
    } else {
        format!("{name}{extension}")
    })
}

impl ExportDestination {
    pub(crate) fn resolve(&self, format: ExportFormat) -> Result<Target, AppError> {
        let folder = checked_folder(&self.folder)?;
        let file_name = checked_name(&self.file_name, format)?;
        let file = folder.join(&file_name);
        // The name is one plain component, so this holds; checked again all the same,
        // since a file outside the chosen folder must never be written.
        if file.parent() != Some(folder.as_path()) {
            return Err(format_error(
                "file_name",
                "a file in the chosen folder",
                "the file would be outside the chosen folder".into(),
            ));
        }
        if std::fs::symlink_metadata(&file).is_ok() {
            return Err(AppError::Conflict {
                message: format!("{file_name} already exists in this folder; choose another name"),
                field: Some("file_name".into()),
            });
        }
        let temp = folder.join(format!(".{file_name}.{}.part", new_id()));
        Ok(Target {
            file,
            temp,
            file_name,
        })
    }
}
