//! Staff account administration: the list with each account's state, role changes,
//! disabling and enabling, and password resets. Administrator accounts are handled by
//! administrators only, and the last enabled administrator is never demoted or disabled:
//! nobody could administer the store any more.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::error::Violations;
use storelink_core::user::{validate_password, UserView};
use storelink_core::{validate, Actor, AppError, Operation, Role};
use storelink_store::users::{self as repo, UserRecord};
use storelink_store::{db_error, SqliteConnection};
use uuid::Uuid;

use super::password;
use crate::audit::{record, Change};
use crate::Services;

/// A staff account as the administration list shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct UserAccount {
    pub id: Uuid,
    pub username: String,
    pub role: Role,
    /// A disabled account cannot sign in, and its open session ends at its next action.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl UserAccount {
    fn of(view: UserView, disabled: bool) -> Self {
        UserAccount {
            id: view.id,
            username: view.username,
            role: view.role,
            disabled,
            created_at: view.created_at,
            last_login_at: view.last_login_at,
        }
    }
}

impl From<UserRecord> for UserAccount {
    fn from(r: UserRecord) -> Self {
        UserAccount::of(r.view, r.disabled)
    }
}

/// One change to an account.
enum AccountChange<'a> {
    Role(Role),
    Disabled(bool),
    Password(&'a str),
}

impl AccountChange<'_> {
    fn detail(&self) -> String {
        match self {
            AccountChange::Role(role) => format!("role changed to {role}"),
            AccountChange::Disabled(true) => "account disabled".into(),
            AccountChange::Disabled(false) => "account enabled".into(),
            AccountChange::Password(_) => "password reset".into(),
        }
    }

    /// Whether, applied to `target`, it leaves one enabled administrator fewer.
    fn removes_an_admin(&self, target: &UserRecord) -> bool {
        let enabled_admin = target.view.role == Role::Admin && !target.disabled;
        match self {
            AccountChange::Role(role) => enabled_admin && *role != Role::Admin,
            AccountChange::Disabled(disabled) => enabled_admin && *disabled,
            AccountChange::Password(_) => false,
        }
    }
}

fn parse_role(role: &str) -> Result<Role, AppError> {
    let mut v = Violations::new();
    validate::one_of(&mut v, "role", role, Role::NAMES);
    v.into_result()?;
    Role::parse(role).ok_or_else(|| AppError::internal("role checked above"))
}

async fn load(conn: &mut SqliteConnection, id: Uuid) -> Result<UserRecord, AppError> {
    repo::by_id(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("user", id))
}

impl Services {
    /// Every account, enabled or not, by username.
    pub async fn list_user_accounts(&self, actor: &Actor) -> Result<Vec<UserAccount>, AppError> {
        self.authorize(actor, Operation::UsersView, "user", None)
            .await?;
        let mut conn = self.db.read().await?;
        let records = repo::list_records(&mut conn).await?;
        Ok(records.into_iter().map(UserAccount::from).collect())
    }

    /// [`Services::add_user`], answered as an account.
    pub async fn add_user_account(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        role: &str,
    ) -> Result<UserAccount, AppError> {
        let user = self.add_user(actor, username, password, role).await?;
        Ok(UserAccount::of(user, false))
    }

    pub async fn change_user_role(
        &self,
        actor: &Actor,
        id: Uuid,
        role: &str,
    ) -> Result<UserAccount, AppError> {
        self.authorize(actor, Operation::UsersManage, "user", Some(id.to_string()))
            .await?;
        let role = parse_role(role)?;
        self.change_account(actor, id, AccountChange::Role(role))
            .await
    }

    /// Disables or enables an account. Nobody disables their own.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: Uuid,
        disabled: bool,
    ) -> Result<UserAccount, AppError> {
        self.authorize(actor, Operation::UsersManage, "user", Some(id.to_string()))
            .await?;
        if disabled && actor.user_id == Some(id) {
            return Err(AppError::Conflict {
                message: "you cannot disable your own account".into(),
                field: None,
            });
        }
        self.change_account(actor, id, AccountChange::Disabled(disabled))
            .await
    }

    /// Sets a new password for an account (a person who forgot theirs).
    pub async fn reset_user_password(
        &self,
        actor: &Actor,
        id: Uuid,
        password: &str,
    ) -> Result<UserAccount, AppError> {
        self.authorize(actor, Operation::UsersManage, "user", Some(id.to_string()))
            .await?;
        let mut v = Violations::new();
        validate_password(&mut v, password);
        v.into_result()?;
        self.change_account(actor, id, AccountChange::Password(password))
            .await
    }

    async fn change_account(
        &self,
        actor: &Actor,
        id: Uuid,
        change: AccountChange<'_>,
    ) -> Result<UserAccount, AppError> {
        let target = {
            let mut conn = self.db.read().await?;
            load(&mut conn, id).await?
        };
        let grants_admin = matches!(change, AccountChange::Role(Role::Admin));
        if (target.view.role == Role::Admin || grants_admin) && actor.role != Role::Admin {
            let refusal = AppError::Forbidden {
                operation: "users_manage (administrator accounts)".into(),
                role: actor.role.as_str().into(),
            };
            return Err(self
                .refuse(
                    actor,
                    Operation::UsersManage,
                    "user",
                    Some(id.to_string()),
                    refusal,
                )
                .await);
        }
        // Hashing is slow: done before the write lock is taken.
        let hash = match change {
            AccountChange::Password(p) => Some(password::hash(p).await?),
            _ => None,
        };
        let mut tx = self.db.write().await?;
        // Read again under the lock: the admin count must be the one the change meets.
        let before = load(&mut tx, id).await?;
        if change.removes_an_admin(&before) && repo::count_admins(&mut tx).await? <= 1 {
            return Err(AppError::Conflict {
                message: "the last administrator cannot be demoted or disabled; make another administrator first".into(),
                field: Some("role".into()),
            });
        }
        match &change {
            AccountChange::Role(role) => repo::set_role(&mut tx, id, *role).await?,
            AccountChange::Disabled(d) => repo::set_disabled(&mut tx, id, *d).await?,
            AccountChange::Password(_) => {
                let hash = hash.ok_or_else(|| AppError::internal("hash made above"))?;
                repo::set_password_hash(&mut tx, id, &hash).await?;
            }
        }
        let after = load(&mut tx, id).await?;
        let (before, after) = (UserAccount::from(before), UserAccount::from(after));
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::UsersManage,
                entity: "user",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
                detail: Some(change.detail()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(after)
    }
}
