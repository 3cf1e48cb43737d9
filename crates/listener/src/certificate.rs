//! The listener's own certificate for LAN mode: made on first use and kept, so terminals
//! can pin its fingerprint once. The certificate sits in the data folder; its private key
//! is a secret and lives in the OS keychain.

use storelink_core::AppError;
use storelink_service::Services;

use crate::tls::{self, CertificateMaterial};

pub const CERT_FILE: &str = "listener-cert.pem";
const KEY_SECRET: &str = "listener_tls_key";

fn tls_error(e: tls::TlsError) -> AppError {
    AppError::internal(e.to_string())
}

/// The stored certificate and key, or new ones for `names` (host names and IP addresses).
/// Returns the material and its SHA-256 fingerprint.
pub async fn load_or_create(
    services: &Services,
    names: &[String],
) -> Result<(CertificateMaterial, String), AppError> {
    let path = services.data_dir().join(CERT_FILE);
    let stored_cert = tokio::fs::read_to_string(&path).await.ok();
    let stored_key = services.app_secret(KEY_SECRET).await?;
    if let (Some(cert_pem), Some(key)) = (stored_cert, stored_key) {
        let material = CertificateMaterial {
            cert_pem,
            key_pem: key.expose().to_owned(),
        };
        // A pair that no longer matches (a restored file, a reset keychain) is replaced.
        if tls::server_config(&material).is_ok() {
            let fingerprint = tls::fingerprint_sha256(&material.cert_pem).map_err(tls_error)?;
            return Ok((material, fingerprint));
        }
        tracing::warn!("the stored listener certificate does not match its key; making a new one");
    }
    let material = tls::generate(names).map_err(tls_error)?;
    services
        .set_app_secret(
            KEY_SECRET,
            &storelink_secrets::Secret::new(material.key_pem.clone()),
        )
        .await?;
    tokio::fs::write(&path, &material.cert_pem)
        .await
        .map_err(|e| AppError::internal(format!("cannot save {}: {e}", path.display())))?;
    let fingerprint = tls::fingerprint_sha256(&material.cert_pem).map_err(tls_error)?;
    tracing::info!(%fingerprint, "listener certificate created");
    Ok((material, fingerprint))
}

/// The fingerprint of the stored certificate, if one was made.
pub async fn stored_fingerprint(services: &Services) -> Option<String> {
    let cert = tokio::fs::read_to_string(services.data_dir().join(CERT_FILE))
        .await
        .ok()?;
    tls::fingerprint_sha256(&cert).ok()
}
