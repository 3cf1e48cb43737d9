//! Starting and stopping the listener. Plain HTTP on loopback by default; a non-loopback
//! address needs LAN mode, where HTTPS with the listener's own certificate is available.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use storelink_core::AppError;
use storelink_service::Services;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::Limiters;

/// Bodies above this are refused with 413 unless configured otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
pub const DEFAULT_PORT: u16 = 8765;

#[derive(Clone)]
pub struct ListenerState {
    pub services: Services,
    pub limiters: Arc<Limiters>,
}

#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub addr: SocketAddr,
    /// LAN mode: allows a non-loopback address.
    pub lan: bool,
    /// Serve HTTPS with this configuration (LAN mode).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub body_limit: usize,
}

impl ListenerConfig {
    pub fn loopback(port: u16) -> Self {
        ListenerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            lan: false,
            tls: None,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// A running listener. Dropping it does not stop it; call `stop`.
pub struct Listener {
    addr: SocketAddr,
    tls: bool,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Listener {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// `http://127.0.0.1:8765` or `https://...`: the address on this computer (loopback
    /// when listening on every interface).
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("{}://{addr}", self.scheme())
    }

    /// In LAN mode, the addresses terminals on the store's network use: one per network
    /// interface of this computer (IPv4, not loopback).
    pub fn lan_urls(&self) -> Vec<String> {
        let port = self.addr.port();
        let ips: Vec<std::net::IpAddr> = if self.addr.ip().is_unspecified() {
            lan_addresses()
        } else if self.addr.ip().is_loopback() {
            Vec::new()
        } else {
            vec![self.addr.ip()]
        };
        ips.into_iter()
            .map(|ip| format!("{}://{}", self.scheme(), SocketAddr::new(ip, port)))
            .collect()
    }

    /// Stops accepting connections and waits for the server task to end; requests in
    /// flight finish first.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Waits until the server ends on its own (an accept error) or is stopped.
    pub async fn wait(self) {
        let _ = self.task.await;
    }

    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// This computer's IPv4 addresses on its networks (what a LAN terminal can reach).
pub fn lan_addresses() -> Vec<std::net::IpAddr> {
    let mut ips: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .map(|list| {
            list.into_iter()
                .map(|i| i.ip())
                .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
                .collect()
        })
        .unwrap_or_default();
    ips.sort();
    ips.dedup();
    ips
}

pub fn router(services: Services, body_limit: usize) -> axum::Router {
    let state = ListenerState {
        services,
        limiters: Arc::new(Limiters::default()),
    };
    crate::routes::router()
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(move |request, next| {
            crate::body_guard::guard(request, next, body_limit)
        }))
        .with_state(state)
}

/// Binds and starts serving. Refuses a non-loopback address unless LAN mode is on.
pub async fn start(services: Services, config: ListenerConfig) -> Result<Listener, AppError> {
    if !config.addr.ip().is_loopback() && !config.lan {
        return Err(AppError::field(
            "listen",
            storelink_core::Rule::Format {
                expected: "a loopback address unless LAN mode is on".into(),
            },
            format!(
                "{} is reachable from the network; turn on LAN mode (--lan) to listen there",
                config.addr
            ),
        ));
    }
    let socket = TcpListener::bind(config.addr).await.map_err(|e| {
        AppError::field(
            "listen",
            storelink_core::Rule::Format {
                expected: "a free address and port".into(),
            },
            format!("cannot listen on {}: {e}", config.addr),
        )
    })?;
    let addr = socket.local_addr().map_err(AppError::internal)?;
    let app = router(services, config.body_limit);
    let (stop, stopped) = watch::channel(false);
    let tls = config.tls.is_some();
    // One accept loop for HTTP and HTTPS: it sets the header read timeout axum::serve lacks.
    let task = tokio::spawn(crate::tls_serve::serve(socket, app, config.tls, stopped));
    tracing::info!(%addr, tls, "listener started");
    Ok(Listener {
        addr,
        tls,
        stop,
        task,
    })
}
