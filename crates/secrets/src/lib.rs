//! Secrets in the operating system's keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through `keyring`. SQLite only ever holds a secret's name.
//! Values never appear in `Debug`, logs or error messages.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// How long a value read from the keychain is reused. Every lookup is a new D-Bus session
/// with the Secret Service, and after many thousands in one session GNOME Keyring stopped
/// answering (docs/RELIABILITY.md): a sync reads the same few secrets on every call. Short,
/// so a secret changed by another process (the CLI) is seen within seconds.
const REUSE_FOR: Duration = Duration::from_secs(10);

/// Attempts at a keychain call whose D-Bus session failed (busy daemon), and the pause
/// before each retry.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(1000)];

/// Values read recently, by account (a `None`: known to be absent).
type Recent = HashMap<String, (Option<Secret>, Instant)>;

/// The keychain, namespaced by a service name (`storelink`).
#[derive(Clone)]
pub struct Keychain {
    service: String,
    recent: Arc<Mutex<Recent>>,
}

impl fmt::Debug for Keychain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keychain")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Keychain {
    pub fn new(service: impl Into<String>) -> Self {
        Keychain {
            service: service.into(),
            recent: Arc::default(),
        }
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remember(&self, account: String, value: Option<Secret>) {
        let mut recent = self.recent();
        recent.retain(|_, (_, at)| at.elapsed() < REUSE_FOR);
        recent.insert(account, (value, Instant::now()));
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
        self.recent().remove(&account);
        let key = account.clone();
        let stored = value.clone();
        blocking(move || keyring::Entry::new(&service, &account)?.set_password(value.expose()))
            .await?;
        self.remember(key, Some(stored));
        Ok(())
    }

    pub async fn get(&self, system_id: Uuid, name: &str) -> Result<Option<Secret>, AppError> {
        let account = Self::account(system_id, name);
        if let Some((value, at)) = self.recent().get(&account) {
            if at.elapsed() < REUSE_FOR {
                return Ok(value.clone());
            }
        }
        let value = self.read(account.clone()).await?;
        self.remember(account, value.clone());
        Ok(value)
    }

    /// Whether the keychain answers at all (a read of an entry that does not exist, never
    /// answered from the values read recently).
    pub async fn check(&self) -> Result<(), AppError> {
        self.read(Self::account(Uuid::nil(), "reachability-check"))
            .await
            .map(|_| ())
    }

    /// One read from the keychain itself (`None`: no such entry).
    async fn read(&self, account: String) -> Result<Option<Secret>, AppError> {
        let service = self.service.clone();
        blocking(
            move || match keyring::Entry::new(&service, &account)?.get_password() {
                Ok(v) => Ok(Some(Secret(v))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            },
        )
        .await
    }

    /// Removes a secret; removing one that is not there is not an error.
    pub async fn delete(&self, system_id: Uuid, name: &str) -> Result<(), AppError> {
        let (service, account) = (self.service.clone(), Self::account(system_id, name));
        self.recent().remove(&account);
        blocking(
            move || match keyring::Entry::new(&service, &account)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            },
        )
        .await
    }
}

/// Runs a keychain call off the async threads, retrying a failed D-Bus session twice (a
/// busy Secret Service refuses new sessions for a moment).
async fn blocking<T: Send + 'static>(
    f: impl Fn() -> Result<T, keyring::Error> + Send + Sync + 'static,
) -> Result<T, AppError> {
    let f = Arc::new(f);
    let mut pauses = RETRY_PAUSES.iter();
    loop {
        let call = Arc::clone(&f);
        let result = tokio::task::spawn_blocking(move || call())
            .await
            .map_err(|e| AppError::internal(format!("keychain task failed: {e}")))?;
        match (result, pauses.next()) {
            (Err(keyring::Error::PlatformFailure(e)), Some(pause)) => {
                tracing::warn!(error = %e, "keychain call failed; trying again");
                tokio::time::sleep(*pause).await;
            }
            (result, _) => return result.map_err(keychain_error),
        }
    }
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
