#![allow(dead_code)]

use storelink_core::{Actor, Role};
use storelink_service::Services;

pub struct Host {
    pub dir: tempfile::TempDir,
    pub services: Services,
    pub admin: Actor,
}

/// A temp data folder with its database, the real keychain, and a first administrator:
/// the operations run here exactly as under the desktop shell, with no window.
pub async fn host() -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path()).await.expect("open services");
    let (_, admin) = services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("first admin");
    Host {
        dir,
        services,
        admin,
    }
}

pub async fn user(host: &Host, name: &str, role: Role) -> Actor {
    host.services
        .add_user(&host.admin, name, "Passw0rd-long", role.as_str())
        .await
        .expect("add user");
    host.services
        .login(name, "Passw0rd-long")
        .await
        .expect("login")
        .1
}
