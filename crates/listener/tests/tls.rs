//! LAN mode with HTTPS, as the desktop app's settings turn it on: the certificate is made
//! once and kept, a client that pins it connects, and its fingerprint is shown.
//! Needs the keychain (the private key lives there): run under scripts/with-keyring.sh.

use storelink_core::Actor;
use storelink_listener::control::ListenerControl;
use storelink_service::listener_settings::ListenerSettings;
use storelink_service::Services;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lan_https_with_a_pinned_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path()).await.expect("open");
    let control = ListenerControl::new(services.clone());
    let admin = Actor::local_cli();

    // Off by default.
    let status = control.status().await.expect("status");
    assert!(!status.settings.enabled && !status.running && !status.settings.lan);

    // HTTPS without LAN mode is refused, naming the field.
    let refused = services
        .save_listener_settings(
            &admin,
            ListenerSettings {
                enabled: true,
                lan: false,
                port: free_port(),
                tls: true,
            },
        )
        .await
        .expect_err("tls needs lan");
    assert!(refused.to_string().contains("LAN"), "{refused}");

    let port = free_port();
    let settings = services
        .save_listener_settings(
            &admin,
            ListenerSettings {
                enabled: true,
                lan: true,
                port,
                tls: true,
            },
        )
        .await
        .expect("save");
    let status = control.apply(settings).await;
    assert!(status.running, "{:?}", status.error);
    let fingerprint = status.fingerprint.clone().expect("fingerprint");
    // Listening on every interface: shown as this computer's address plus the LAN ones.
    assert_eq!(status.url, Some(format!("https://127.0.0.1:{port}")));
    for lan in &status.lan_urls {
        assert!(
            lan.starts_with("https://") && lan.ends_with(&format!(":{port}")),
            "{lan}"
        );
        assert!(
            !lan.contains("0.0.0.0") && !lan.contains("127.0.0.1"),
            "{lan}"
        );
    }
    assert_eq!(fingerprint.len(), 95, "{fingerprint}");

    let cert = std::fs::read(dir.path().join(storelink_listener::certificate::CERT_FILE))
        .expect("certificate kept in the data folder");
    assert!(
        !String::from_utf8_lossy(&cert).contains("PRIVATE KEY"),
        "the private key is not written to the data folder"
    );
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&cert).expect("pem"))
        .build()
        .expect("client");
    let health = client
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await
        .expect("https request");
    assert_eq!(health.status(), 200);
    // Plain HTTP to the HTTPS port gets nothing useful.
    assert!(reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true));

    // Restarting keeps the same certificate, so pinned terminals keep working.
    let again = control.apply(settings).await;
    assert_eq!(again.fingerprint.as_deref(), Some(fingerprint.as_str()));

    // Turned off: nothing listens any more.
    let off = control
        .apply(ListenerSettings {
            enabled: false,
            ..settings
        })
        .await;
    assert!(!off.running);
    assert!(client
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await
        .is_err());
}
