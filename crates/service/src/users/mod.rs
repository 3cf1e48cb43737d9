//! Local accounts: the first administrator, sign-in, and staff accounts.

mod admin;
mod password;

pub use admin::UserAccount;

use storelink_core::audit::AuditOutcome;
use storelink_core::ids::new_id;
use storelink_core::ids::now;
use storelink_core::user::{validate_new_user, UserView};
use storelink_core::{Actor, AppError, Operation, Role};
use storelink_store::{db_error, users as repo};
use uuid::Uuid;

use crate::audit::{record, record_failed_sign_in, Change};
use crate::Services;

fn actor_of(user: &UserView) -> Actor {
    Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
        role: user.role,
        system_id: None,
    }
}

impl Services {
    pub async fn needs_admin(&self) -> Result<bool, AppError> {
        let mut conn = self.db.read().await?;
        Ok(repo::count_admins(&mut conn).await? == 0)
    }

    /// Creates the administrator on first start. Refused once an administrator exists, so
    /// it cannot be used to add a second one behind the first one's back.
    pub async fn create_first_admin(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(UserView, Actor), AppError> {
        validate_new_user(username, password, Role::Admin.as_str())?;
        let hash = password::hash(password).await?;
        let user = UserView {
            id: new_id(),
            username: username.trim().to_owned(),
            role: Role::Admin,
            created_at: now(),
            last_login_at: Some(now()),
        };
        let actor = actor_of(&user);
        let mut tx = self.db.write().await?;
        if repo::count_admins(&mut tx).await? > 0 {
            return Err(AppError::Conflict {
                message: "an administrator already exists; sign in instead".into(),
                field: None,
            });
        }
        repo::insert(&mut tx, &user, &hash).await?;
        repo::touch_login(&mut tx, user.id, now()).await?;
        record(
            &mut tx,
            &actor,
            Change {
                op: Operation::UsersManage,
                entity: "user",
                entity_id: Some(user.id.to_string()),
                outcome: AuditOutcome::Success,
                before: None,
                after: serde_json::to_value(&user).ok(),
                detail: Some("first administrator created".into()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok((user, actor))
    }

    /// Signs a person in. A wrong name and a wrong password get the same answer.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(UserView, Actor), AppError> {
        let record_opt = {
            let mut conn = self.db.read().await?;
            repo::by_username(&mut conn, username.trim()).await?
        };
        let verified = match &record_opt {
            Some(r) if !r.disabled => password::verify(password, &r.password_hash).await?,
            _ => {
                // Spend the same effort as a real check so timing does not reveal names.
                password::burn(password).await;
                false
            }
        };
        match record_opt {
            Some(r) if verified => {
                let now = now();
                self.stamp_login(r.view.id, now).await?;
                let user = UserView {
                    last_login_at: Some(now),
                    ..r.view
                };
                let actor = actor_of(&user);
                Ok((user, actor))
            }
            _ => {
                let mut tx = self.db.write().await?;
                record_failed_sign_in(&mut tx, username).await?;
                tx.commit().await.map_err(db_error)?;
                Err(AppError::BadCredentials)
            }
        }
    }

    /// Notes the time of a sign-in. While the database file is still being checked whole
    /// after an unclean stop (writes wait for that check) the note is written once it
    /// passes, so signing in waits for the password check only.
    async fn stamp_login(
        &self,
        user_id: Uuid,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let db = self.db.clone();
        let stamp = async move {
            let mut tx = db.write().await?;
            repo::touch_login(&mut tx, user_id, at).await?;
            tx.commit().await.map_err(db_error)
        };
        if self.db.is_checked() {
            return stamp.await;
        }
        tokio::spawn(async move {
            if let Err(e) = stamp.await {
                tracing::warn!(error = %e, "the time of a sign-in was not noted");
            }
        });
        Ok(())
    }

    /// The acting user for a signed-in session, re-read so a changed role or a disabled
    /// account takes effect on the next operation.
    pub async fn session_actor(&self, user_id: Uuid) -> Result<(UserView, Actor), AppError> {
        let mut conn = self.db.read().await?;
        match repo::by_id(&mut conn, user_id).await? {
            Some(r) if !r.disabled => {
                let actor = actor_of(&r.view);
                Ok((r.view, actor))
            }
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// Adds a staff account. Only an administrator may create another administrator.
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        role: &str,
    ) -> Result<UserView, AppError> {
        self.authorize(actor, Operation::UsersManage, "user", None)
            .await?;
        let role = validate_new_user(username, password, role)?;
        if role == Role::Admin && actor.role != Role::Admin {
            let refusal = AppError::Forbidden {
                operation: "users_manage (administrator accounts)".into(),
                role: actor.role.as_str().into(),
            };
            return Err(self
                .refuse(actor, Operation::UsersManage, "user", None, refusal)
                .await);
        }
        let hash = password::hash(password).await?;
        let user = UserView {
            id: new_id(),
            username: username.trim().to_owned(),
            role,
            created_at: now(),
            last_login_at: None,
        };
        let mut tx = self.db.write().await?;
        repo::insert(&mut tx, &user, &hash).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::UsersManage,
                entity: "user",
                entity_id: Some(user.id.to_string()),
                outcome: AuditOutcome::Success,
                before: None,
                after: serde_json::to_value(&user).ok(),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(user)
    }

    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserView>, AppError> {
        self.authorize(actor, Operation::UsersView, "user", None)
            .await?;
        let mut conn = self.db.read().await?;
        repo::list(&mut conn).await
    }
}
