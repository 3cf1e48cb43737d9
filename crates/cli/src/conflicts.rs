//! `storelink conflicts list|resolve`: the conflict queue from a terminal.

use std::collections::BTreeMap;

use serde_json::Value;
use storelink_core::conflict::{Conflict, ConflictChoice, ConflictSide};
use storelink_core::{Actor, AppError, PageRequest, Rule};
use storelink_service::Services;

use crate::args::ConflictsCommand;
use crate::output::Output;

fn side(field: &str, text: &str) -> Result<ConflictSide, AppError> {
    ConflictSide::parse(text.trim()).ok_or_else(|| {
        AppError::field(
            field,
            Rule::OneOf {
                allowed: ConflictSide::NAMES
                    .iter()
                    .map(|n| (*n).to_owned())
                    .collect(),
            },
            format!("`{text}` is neither local nor remote"),
        )
    })
}

/// `--keep SIDE` or `--field PATH=SIDE …` as the choice the core takes.
fn choice(keep: Option<String>, fields: Vec<String>) -> Result<ConflictChoice, AppError> {
    match (keep, fields.is_empty()) {
        (Some(k), true) => Ok(match side("keep", &k)? {
            ConflictSide::Local => ConflictChoice::KeepLocal,
            ConflictSide::Remote => ConflictChoice::TakeRemote,
        }),
        (None, false) => {
            let mut chosen = BTreeMap::new();
            for f in fields {
                let Some((path, s)) = f.split_once('=') else {
                    return Err(AppError::field(
                        "field",
                        Rule::Format {
                            expected: "PATH=local or PATH=remote".into(),
                        },
                        format!("`{f}` is not PATH=local or PATH=remote"),
                    ));
                };
                chosen.insert(path.trim().to_owned(), side("field", s)?);
            }
            Ok(ConflictChoice::PerField { fields: chosen })
        }
        _ => Err(AppError::field(
            "keep",
            Rule::Required,
            "give --keep local|remote, or --field PATH=local|remote for each differing field",
        )),
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn describe(list: &[Conflict]) -> String {
    if list.is_empty() {
        return "no conflicts".to_owned();
    }
    list.iter()
        .map(|c| {
            let mut lines = vec![format!(
                "{}  {:<8} {}  found {}{}",
                c.id,
                c.status.as_str(),
                c.record_key,
                c.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                c.resolved_by
                    .as_deref()
                    .map(|by| format!(", resolved by {by}"))
                    .unwrap_or_default()
            )];
            lines.extend(c.fields.iter().map(|f| {
                format!(
                    "    {:<24} local: {}  |  remote: {}",
                    f.path,
                    shown(f.local.as_ref()),
                    shown(f.remote.as_ref())
                )
            }));
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn run(
    cmd: ConflictsCommand,
    services: &Services,
    actor: &Actor,
    out: &Output,
) -> Result<(), AppError> {
    match cmd {
        ConflictsCommand::List {
            system,
            status,
            limit,
        } => {
            let page = services
                .list_conflicts(
                    actor,
                    system.as_deref(),
                    Some(&status),
                    &PageRequest {
                        cursor: None,
                        limit: Some(limit),
                    },
                )
                .await?;
            out.print(&page.items, || describe(&page.items))
        }
        ConflictsCommand::Resolve { id, keep, field } => {
            let resolved = services
                .resolve_conflict(actor, &id, &choice(keep, field)?)
                .await?;
            let list = [resolved];
            out.print(&list[0], || describe(&list))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_choices() {
        assert_eq!(
            choice(Some("local".into()), vec![]).expect("keep"),
            ConflictChoice::KeepLocal
        );
        assert_eq!(
            choice(None, vec!["name=remote".into(), "code = local".into()]).expect("fields"),
            ConflictChoice::PerField {
                fields: BTreeMap::from([
                    ("code".to_owned(), ConflictSide::Local),
                    ("name".to_owned(), ConflictSide::Remote),
                ])
            }
        );
        assert!(choice(None, vec![]).is_err());
        assert!(choice(Some("mine".into()), vec![]).is_err());
        assert!(choice(None, vec!["name".into()]).is_err());
    }
}
