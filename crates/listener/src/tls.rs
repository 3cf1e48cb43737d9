//! The listener's self-signed certificate for LAN mode. Terminals cannot rely on a public CA
//! for a back-office machine on the LAN, so they pin the certificate by its SHA-256 fingerprint.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, TimeDelta, Utc};
use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use sha2::{Digest, Sha256};

/// Common name of the generated certificate.
pub const COMMON_NAME: &str = "Storelink listener";

/// Validity of a generated certificate, about ten years.
const VALIDITY_DAYS: i64 = 3650;

/// A certificate and its private key, both PEM. The key is secret: `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateMaterial {
    pub cert_pem: String,
    pub key_pem: String,
}

impl fmt::Debug for CertificateMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateMaterial")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

/// Certificate generation or TLS configuration failed. Never carries key material.
#[derive(Debug)]
pub struct TlsError(pub String);

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS: {}", self.0)
    }
}

impl std::error::Error for TlsError {}

/// Generates a self-signed certificate for the given host names / IP addresses (IPs become IP
/// SANs), valid about ten years, CN "Storelink listener".
pub fn generate(subject_alt_names: &[String]) -> Result<CertificateMaterial, TlsError> {
    let names: Vec<String> = subject_alt_names
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        // "[::1]" as written in URLs is still an IP address.
        .map(|s| {
            s.strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .unwrap_or(s)
                .to_owned()
        })
        .collect();
    // rcgen only checks that a DNS name is ASCII; reject names no client could ever match.
    if let Some(bad) = names
        .iter()
        .find(|n| ServerName::try_from(n.as_str()).is_err())
    {
        return Err(TlsError(format!(
            "invalid host name or IP address: {bad:?}"
        )));
    }
    let mut params = CertificateParams::new(names)
        .map_err(|e| TlsError(format!("invalid subject alternative name: {e}")))?;
    params
        .distinguished_name
        .push(DnType::CommonName, COMMON_NAME);

    // Start a day back so a terminal whose clock lags slightly still accepts it.
    let now = Utc::now();
    let not_before = now
        .checked_sub_signed(TimeDelta::days(1))
        .ok_or_else(|| TlsError("clock out of range".to_owned()))?;
    let not_after = now
        .checked_add_signed(TimeDelta::days(VALIDITY_DAYS))
        .ok_or_else(|| TlsError("clock out of range".to_owned()))?;
    let (y, m, d) = ymd(not_before.date_naive())?;
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = ymd(not_after.date_naive())?;
    params.not_after = rcgen::date_time_ymd(y, m, d);

    // Declared as a server certificate so strict clients accept it as an end-entity.
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];

    let key = KeyPair::generate().map_err(|e| TlsError(format!("key generation failed: {e}")))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| TlsError(format!("certificate signing failed: {e}")))?;
    Ok(CertificateMaterial {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// SHA-256 fingerprint of the (first) certificate's DER in `cert_pem`, as uppercase hex bytes
/// joined by ':' like browsers show it, so a terminal can pin it.
pub fn fingerprint_sha256(cert_pem: &str) -> Result<String, TlsError> {
    let der = parse_cert(cert_pem)?;
    Ok(fingerprint_der(der.as_ref()))
}

/// A rustls server configuration for the certificate: ring provider, no client auth,
/// ALPN "http/1.1".
pub fn server_config(
    material: &CertificateMaterial,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(material.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError(format!("certificate PEM: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError("certificate PEM: no certificate found".to_owned()));
    }
    // The pem error cannot contain key bytes, but keep the message generic anyway.
    let key = PrivateKeyDer::from_pem_slice(material.key_pem.as_bytes())
        .map_err(|_| TlsError("private key PEM: no usable private key".to_owned()))?;

    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError(format!("protocol versions: {e}")))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| TlsError(format!("certificate and key rejected: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn parse_cert(cert_pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|e| TlsError(format!("certificate PEM: {e}")))
}

fn fingerprint_der(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Splits a date for `rcgen::date_time_ymd`, which takes the `time` crate's narrow types.
fn ymd(date: chrono::NaiveDate) -> Result<(i32, u8, u8), TlsError> {
    let month = u8::try_from(date.month()).map_err(|_| TlsError("bad month".to_owned()))?;
    let day = u8::try_from(date.day()).map_err(|_| TlsError("bad day".to_owned()))?;
    Ok((date.year(), month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    fn names() -> Vec<String> {
        vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ]
    }

    #[test]
    fn fingerprint_has_browser_format() {
        let material = generate(&names()).expect("generate");
        let fp = fingerprint_sha256(&material.cert_pem).expect("fingerprint");
        assert_eq!(fp.len(), 95, "{fp}");
        let parts: Vec<&str> = fp.split(':').collect();
        assert_eq!(parts.len(), 32);
        for part in parts {
            assert_eq!(part.len(), 2);
            assert!(
                part.chars()
                    .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)),
                "{fp}"
            );
        }
    }

    #[test]
    fn fingerprint_is_stable_and_unique() {
        let a = generate(&names()).expect("generate a");
        let b = generate(&names()).expect("generate b");
        let fa = fingerprint_sha256(&a.cert_pem).expect("fingerprint a");
        assert_eq!(
            fa,
            fingerprint_sha256(&a.cert_pem).expect("fingerprint a again")
        );
        assert_ne!(fa, fingerprint_sha256(&b.cert_pem).expect("fingerprint b"));
    }

    #[test]
    fn generated_pems_look_right() {
        let material = generate(&names()).expect("generate");
        assert!(material.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(material.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let debug = format!("{material:?}");
        assert!(debug.contains("[redacted]"));
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(fingerprint_sha256("not a pem").is_err());
        assert!(generate(&["not a host name!".to_owned()]).is_err());
        assert!(generate(&["café.example".to_owned()]).is_err());
        let material = generate(&names()).expect("generate");
        let no_key = CertificateMaterial {
            cert_pem: material.cert_pem.clone(),
            key_pem: String::new(),
        };
        assert!(server_config(&no_key).is_err());
        let no_cert = CertificateMaterial {
            cert_pem: String::new(),
            key_pem: material.key_pem.clone(),
        };
        assert!(server_config(&no_cert).is_err());
        // A key that does not belong to the certificate is refused.
        let other = generate(&names()).expect("generate other");
        let mismatched = CertificateMaterial {
            cert_pem: material.cert_pem,
            key_pem: other.key_pem,
        };
        assert!(server_config(&mismatched).is_err());
    }

    #[test]
    fn server_config_builds() {
        let material = generate(&names()).expect("generate");
        let config = server_config(&material).expect("server config");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn empty_and_bracketed_names_are_accepted() {
        assert!(generate(&[]).is_ok());
        assert!(generate(&[
            " ".to_owned(),
            "[::1]".to_owned(),
            "192.168.1.20".to_owned()
        ])
        .is_ok());
    }

    #[tokio::test]
    async fn handshake_with_pinned_certificate() {
        let material = generate(&names()).expect("generate");
        let expected = fingerprint_sha256(&material.cert_pem).expect("fingerprint");
        let acceptor =
            tokio_rustls::TlsAcceptor::from(server_config(&material).expect("server config"));

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accept");
            let mut tls = acceptor.accept(tcp).await.expect("server handshake");
            tls.write_all(b"ok").await.expect("server write");
            tls.shutdown().await.expect("server shutdown");
        });

        // The client trusts only this certificate.
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(parse_cert(&material.cert_pem).expect("parse cert"))
            .expect("add root");
        let mut client_config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        client_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config));

        let tcp = TcpStream::connect(addr).await.expect("connect");
        let name = ServerName::try_from("127.0.0.1").expect("server name");
        let mut tls = connector
            .connect(name, tcp)
            .await
            .expect("client handshake");

        let (_, conn) = tls.get_ref();
        assert_eq!(conn.alpn_protocol(), Some(&b"http/1.1"[..]));
        let seen = conn
            .peer_certificates()
            .and_then(|certs| certs.first())
            .expect("peer certificate");
        assert_eq!(fingerprint_der(seen.as_ref()), expected);

        let mut buf = Vec::new();
        tls.read_to_end(&mut buf).await.expect("client read");
        assert_eq!(buf, b"ok");
        server.await.expect("server task");
    }

    #[tokio::test]
    async fn handshake_fails_with_another_certificate_pinned() {
        let material = generate(&names()).expect("generate");
        let other = generate(&names()).expect("generate other");
        let acceptor =
            tokio_rustls::TlsAcceptor::from(server_config(&material).expect("server config"));

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accept");
            // The client aborts, so the server side must fail too.
            assert!(acceptor.accept(tcp).await.is_err());
        });

        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(parse_cert(&other.cert_pem).expect("parse cert"))
            .expect("add root");
        let client_config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config));
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let name = ServerName::try_from("127.0.0.1").expect("server name");
        assert!(connector.connect(name, tcp).await.is_err());
        server.await.expect("server task");
    }
}
