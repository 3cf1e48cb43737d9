//! The audit log viewer's query: who did what, filtered and paged (administrators only).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::{AuditEntry, AuditOutcome};
use storelink_core::error::{Rule, Violations};
use storelink_core::{validate, Actor, AppError, Operation, Page, PageRequest};
use storelink_store::audit::{self as repo, AuditFilter};

use crate::Services;

/// Which audit entries to list, newest first. Empty text counts as no filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct AuditQuery {
    /// Exactly this actor: a username, `token:<name>` or `cli`.
    #[serde(default)]
    pub actor: Option<String>,
    /// An operation name (`systems_create`, ...) or `sign_in`.
    #[serde(default)]
    pub action: Option<String>,
    /// `system`, `user`, `api_token`, `backup`, ...
    #[serde(default)]
    pub entity: Option<String>,
    /// `success`, `forbidden` or `failed`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// At or after this time.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Before this time.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, AppError> {
        let mut v = Violations::new();
        let outcome = match given(&self.outcome) {
            Some(o) if validate::one_of(&mut v, "outcome", &o, AuditOutcome::NAMES) => {
                AuditOutcome::parse(&o)
            }
            _ => None,
        };
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to <= from {
                v.push(
                    "to",
                    Rule::Format {
                        expected: "a time after `from`".into(),
                    },
                    "to must be after from",
                );
            }
        }
        v.into_result()?;
        Ok(AuditFilter {
            actor: given(&self.actor),
            action: given(&self.action),
            entity: given(&self.entity),
            outcome,
            from: self.from,
            to: self.to,
        })
    }
}

impl Services {
    /// The audit log with filters, newest first, one page at a time (admin only).
    pub async fn search_audit_log(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> Result<Page<AuditEntry>, AppError> {
        self.authorize(actor, Operation::AuditView, "audit_log", None)
            .await?;
        let filter = query.filter()?;
        let page = PageRequest {
            cursor: query.cursor.clone(),
            limit: query.limit,
        };
        let mut conn = self.db.read().await?;
        repo::search(&mut conn, &filter, &page).await
    }
}
