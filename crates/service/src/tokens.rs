//! API tokens: created (shown once), listed, revoked, and turned back into an actor when a
//! request presents one.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use storelink_core::audit::AuditOutcome;
use storelink_core::digest::sha256_hex;
use storelink_core::ids::{new_id, now};
use storelink_core::token::{ApiToken, CreatedToken, NewToken, TOKEN_PREFIX};
use storelink_core::{Actor, AppError, Operation};
use storelink_store::{db_error, systems, tokens as repo};
use uuid::Uuid;

use crate::audit::{record, Change};
use crate::Services;

fn hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// 32 random bytes as URL-safe base64 behind the `slk_` prefix.
fn generate() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The signed-in token: who it acts as, and the token itself for rate limits.
#[derive(Debug, Clone)]
pub struct TokenSession {
    pub actor: Actor,
    pub token: ApiToken,
}

impl Services {
    pub async fn add_token(&self, actor: &Actor, new: NewToken) -> Result<CreatedToken, AppError> {
        self.authorize(actor, Operation::TokensManage, "api_token", None)
            .await?;
        let rate_limit = new.validate()?;
        let secret = generate();
        let info = ApiToken {
            id: new_id(),
            name: new.name.trim().to_owned(),
            role: new.role,
            system_id: new.system_id,
            token_prefix: secret.chars().take(TOKEN_PREFIX.len() + 8).collect(),
            rate_limit,
            created_by: actor.username.clone(),
            created_at: now(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.db.write().await?;
        if let Some(system_id) = info.system_id {
            systems::require(&mut tx, system_id).await?;
        }
        repo::insert(&mut tx, &info, &hash(&secret)).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::TokensManage,
                entity: "api_token",
                entity_id: Some(info.id.to_string()),
                outcome: AuditOutcome::Success,
                before: None,
                after: serde_json::to_value(&info).ok(),
                detail: Some("token created".into()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(CreatedToken {
            token: secret,
            info,
        })
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
        self.authorize(actor, Operation::TokensManage, "api_token", None)
            .await?;
        let mut conn = self.db.read().await?;
        repo::list(&mut conn).await
    }

    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<ApiToken, AppError> {
        self.authorize(
            actor,
            Operation::TokensManage,
            "api_token",
            Some(id.to_string()),
        )
        .await?;
        let mut tx = self.db.write().await?;
        let before = repo::get(&mut tx, id).await?;
        repo::revoke(&mut tx, id, now()).await?;
        let after = repo::get(&mut tx, id).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::TokensManage,
                entity: "api_token",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
                detail: Some("token revoked".into()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.tokens_cache.clear();
        Ok(after)
    }

    /// The actor a bearer token stands for; `Unauthenticated` for an unknown or revoked one.
    /// Last use is written at most once a minute per token, off the request's path.
    pub async fn authenticate_token(&self, presented: &str) -> Result<TokenSession, AppError> {
        if !presented.starts_with(TOKEN_PREFIX) || presented.len() > 128 {
            return Err(AppError::Unauthenticated);
        }
        let token_hash = hash(presented);
        let mut token = match self.tokens_cache.get(&token_hash) {
            Some(token) => token,
            None => {
                let mut conn = self.db.read().await?;
                let token = repo::by_hash(&mut conn, &token_hash)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                self.tokens_cache.put(token_hash.clone(), token.clone());
                token
            }
        };
        let stale = token
            .last_used_at
            .is_none_or(|t| now() - t > chrono::Duration::seconds(60));
        if stale {
            // The cached copy takes the new time too: otherwise every request until the
            // cache entry expires would find it stale and write again.
            let used_at = now();
            token.last_used_at = Some(used_at);
            self.tokens_cache.put(token_hash, token.clone());
            let db = self.db.clone();
            let id = token.id;
            tokio::spawn(async move {
                if let Ok(mut tx) = db.write().await {
                    if repo::touch(&mut tx, id, used_at).await.is_ok() {
                        let _ = tx.commit().await;
                    }
                }
            });
        }
        Ok(TokenSession {
            actor: Actor {
                user_id: None,
                username: format!("token:{}", token.name),
                role: token.role,
                system_id: token.system_id,
            },
            token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with("slk_") && a.len() == 4 + 43, "{a}");
        assert_ne!(a, b);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
    }
}
