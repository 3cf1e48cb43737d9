//! Secrets in the operating system's keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through `keyring`. SQLite only ever holds a secret's name.
//! Values never appear in `Debug`, logs or error messages.

use std::fmt;

use storelink_core::AppError;
use uuid::Uuid;

/// A secret value. Its `Debug` and `Display` print a mask, so it cannot leak into a log line
/// or an error by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that sends it to a vendor.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The keychain, namespaced by a service name (`storelink`).
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    pub fn new(service: impl Into<String>) -> Self {
        Keychain {
            service: service.into(),
        }
    }

    /// The keychain account under which one secret of one system is filed.
    pub fn account(system_id: Uuid, name: &str) -> String {
        format!("system/{system_id}/{name}")
    }

    pub async fn set(&self, system_id: Uuid, name: &str, value: &Secret) -> Result<(), AppError> {
        let (service, account, value) = (
            self.service.clone(),
            Self::account(system_id, name),
            value.clone(),
        );
        blocking(move || keyring::Entry::new(&service, &account)?.set_password(value.expose()))
            .await
    }

    pub async fn get(&self, system_id: Uuid, name: &str) -> Result<Option<Secret>, AppError> {
        let (service, account) = (self.service.clone(), Self::account(system_id, name));
        blocking(
            move || match keyring::Entry::new(&service, &account)?.get_password() {
                Ok(v) => Ok(Some(Secret(v))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            },
        )
        .await
    }

    /// Whether the keychain answers at all (a read of an entry that does not exist).
    pub async fn check(&self) -> Result<(), AppError> {
        self.get(Uuid::nil(), "reachability-check")
            .await
            .map(|_| ())
    }

    /// Removes a secret; removing one that is not there is not an error.
    pub async fn delete(&self, system_id: Uuid, name: &str) -> Result<(), AppError> {
        let (service, account) = (self.service.clone(), Self::account(system_id, name));
        blocking(
            move || match keyring::Entry::new(&service, &account)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            },
        )
        .await
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, keyring::Error> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal(format!("keychain task failed: {e}")))?
        .map_err(keychain_error)
}

/// Turns a keychain failure into a message that says what to do. keyring's own errors
/// never carry the secret value, only the platform's complaint.
pub fn keychain_error(err: keyring::Error) -> AppError {
    let detail = err.to_string();
    tracing::warn!(error = %detail, "keychain failure");
    let lower = detail.to_ascii_lowercase();
    let (message, remedy) = match &err {
        keyring::Error::NoStorageAccess(_) => (
            "the keychain is locked or refused access".to_owned(),
            "unlock your login keyring (sign in to the desktop session, or unlock it in the Passwords and Keys app) and try again",
        ),
        keyring::Error::PlatformFailure(_)
            if lower.contains("dbus") || lower.contains("d-bus") || lower.contains("autolaunch") || lower.contains("secret service") || lower.contains("org.freedesktop") =>
        (
            "no keychain service is running (Secret Service over D-Bus was not reachable)".to_owned(),
            "start Storelink inside a desktop session that runs a keyring such as GNOME Keyring or KWallet; on a server run it under `dbus-run-session` with `gnome-keyring-daemon --unlock`",
        ),
        keyring::Error::TooLong(..) | keyring::Error::Invalid(..) | keyring::Error::BadEncoding(_) => (
            format!("the keychain refused the value ({detail})"),
            "use a shorter secret of plain text",
        ),
        _ => (
            format!("the keychain failed: {detail}"),
            "check that the system keyring is running and unlocked, then try again",
        ),
    };
    AppError::Keychain {
        message,
        remedy: remedy.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn errors_say_what_to_do() {
        let locked = keychain_error(keyring::Error::NoStorageAccess("locked".into()));
        let AppError::Keychain { message, remedy } = locked else {
            panic!()
        };
        assert!(message.contains("locked"));
        assert!(remedy.contains("unlock"));
        let no_bus = keychain_error(keyring::Error::PlatformFailure(
            "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11".into(),
        ));
        let AppError::Keychain { message, remedy } = no_bus else {
            panic!()
        };
        assert!(message.contains("no keychain service"));
        assert!(remedy.contains("dbus-run-session"));
    }

    #[test]
    fn accounts_are_per_system_and_name() {
        let id = Uuid::nil();
        assert_eq!(
            Keychain::account(id, "api_key"),
            "system/00000000-0000-0000-0000-000000000000/api_key"
        );
    }
}
