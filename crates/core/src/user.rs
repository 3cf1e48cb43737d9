//! Local staff accounts. Passwords are kept only as argon2 hashes (in the store).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::roles::Role;
use crate::validate;

pub const PASSWORD_MIN_CHARS: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

pub fn validate_new_user(username: &str, password: &str, role: &str) -> Result<Role, AppError> {
    let mut v = Violations::new();
    validate::required_text(&mut v, "username", username, 64);
    if !username.trim().is_empty()
        && !username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        v.push(
            "username",
            Rule::Format {
                expected: "letters, digits, _ - .".into(),
            },
            "username may contain only letters, digits, _, - and .",
        );
    }
    validate_password(&mut v, password);
    let role_ok = validate::one_of(&mut v, "role", role, Role::NAMES);
    v.into_result()?;
    match Role::parse(role) {
        Some(r) if role_ok => Ok(r),
        _ => Err(AppError::internal("role checked above")),
    }
}

pub fn validate_password(v: &mut Violations, password: &str) {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS as usize {
        v.push(
            "password",
            Rule::OutOfRange {
                min: i64::from(PASSWORD_MIN_CHARS),
                max: 256,
            },
            format!("password must be at least {PASSWORD_MIN_CHARS} characters"),
        );
    } else if len > 256 {
        v.push(
            "password",
            Rule::TooLong { max: 256 },
            "password must be at most 256 characters",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_rules() {
        assert_eq!(
            validate_new_user("floor", "Fl00r-pass!", "floor_manager"),
            Ok(Role::FloorManager)
        );
        let Err(AppError::Validation { errors }) = validate_new_user("a b", "short", "root") else {
            panic!("must fail")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "password", "role"]);
    }
}
