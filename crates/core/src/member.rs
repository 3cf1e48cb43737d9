//! Member sync records (seed 000 "MemberSync" and its sync body).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Violations};
use crate::money::Money;
use crate::pos::RecordSyncStatus;
use crate::validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct MemberSync {
    pub id: Uuid,
    pub system_id: Uuid,
    pub member_id: String,
    pub external_member_id: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub level: Option<String>,
    pub points: i64,
    pub balance: Money,
    pub sync_status: RecordSyncStatus,
    pub last_activity: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Seed 000 "同步会员数据" body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct MemberInput {
    pub member_id: String,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub points: i64,
    #[serde(default)]
    pub balance: Money,
}

impl MemberInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Violations::new();
        validate::required_text(&mut v, "member_id", &self.member_id, 64);
        if let Some(p) = &self.phone {
            validate::cn_mobile(&mut v, "phone", p);
        }
        if let Some(e) = &self.email {
            validate::email(&mut v, "email", e);
        }
        if let Some(n) = &self.name {
            validate::max_len(&mut v, "name", n, 100);
        }
        validate::range(&mut v, "points", self.points, 0, 1_000_000_000, "");
        validate::non_negative(&mut v, "balance", self.balance);
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_member_body() {
        let m: MemberInput = serde_json::from_value(serde_json::json!({
            "member_id": "MEM-001", "external_id": "wx_openid_123", "phone": "13800138000",
            "name": "张三", "email": "zhangsan@example.com", "level": "gold",
            "points": 1500, "balance": 200.00
        }))
        .expect("parses");
        assert_eq!(m.balance, Money::from_fen(20000));
        assert_eq!(m.validate(), Ok(()));
        let bad = MemberInput {
            phone: Some("555-1234".into()),
            points: -1,
            ..m
        };
        let Err(AppError::Validation { errors }) = bad.validate() else {
            panic!("must fail")
        };
        assert_eq!(errors.len(), 2);
    }
}
