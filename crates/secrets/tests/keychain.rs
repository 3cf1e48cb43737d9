//! Against the real keychain daemon: `make test` runs this inside `dbus-run-session` with an
//! unlocked gnome-keyring. Without one these tests fail, on purpose.

use storelink_core::ids::new_id;
use storelink_secrets::{Keychain, Secret};

#[tokio::test]
async fn round_trip_overwrite_and_delete() {
    let kc = Keychain::new("storelink-test");
    let id = new_id();
    assert_eq!(kc.get(id, "api_key").await.expect("get"), None);
    kc.set(id, "api_key", &Secret::new("k-1 密钥"))
        .await
        .expect("set");
    assert_eq!(
        kc.get(id, "api_key")
            .await
            .expect("get")
            .as_ref()
            .map(Secret::expose),
        Some("k-1 密钥")
    );
    kc.set(id, "api_key", &Secret::new("k-2"))
        .await
        .expect("overwrite");
    assert_eq!(
        kc.get(id, "api_key")
            .await
            .expect("get")
            .as_ref()
            .map(Secret::expose),
        Some("k-2")
    );
    // Another name of the same system is a separate entry.
    assert_eq!(kc.get(id, "client_secret").await.expect("get"), None);
    kc.delete(id, "api_key").await.expect("delete");
    assert_eq!(kc.get(id, "api_key").await.expect("get"), None);
    kc.delete(id, "api_key")
        .await
        .expect("deleting twice is fine");
}

#[tokio::test]
async fn secrets_of_different_systems_do_not_mix() {
    let kc = Keychain::new("storelink-test");
    let (a, b) = (new_id(), new_id());
    kc.set(a, "api_key", &Secret::new("for-a"))
        .await
        .expect("set a");
    kc.set(b, "api_key", &Secret::new("for-b"))
        .await
        .expect("set b");
    assert_eq!(
        kc.get(a, "api_key")
            .await
            .expect("a")
            .map(|s| s.expose().to_owned()),
        Some("for-a".into())
    );
    assert_eq!(
        kc.get(b, "api_key")
            .await
            .expect("b")
            .map(|s| s.expose().to_owned()),
        Some("for-b".into())
    );
    kc.delete(a, "api_key").await.expect("del");
    kc.delete(b, "api_key").await.expect("del");
}
