//! The HTTP server under every vendor simulator: its own accept loop (hyper, one task per
//! connection) rather than `axum::serve`, so that a handler can reset its connection (the
//! `reset` fault) and so that stopping cuts keep-alive connections instead of waiting on
//! them.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

/// 127.0.0.1 on a free port, where `start` serves.
pub(crate) const LOCAL_FREE_PORT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// A request's handle on its connection (a request extension): [`ConnKill::reset`] drops
/// the connection without an answer.
#[derive(Clone)]
pub(crate) struct ConnKill(Arc<Notify>);

impl ConnKill {
    /// Wakes the connection task, which closes the socket with SO_LINGER 0 so the client
    /// sees ECONNRESET rather than a response.
    pub(crate) fn reset(&self) {
        self.0.notify_one();
    }
}

/// A request's headers and its connection handle, as an extractor for the simulators'
/// handlers.
pub(crate) struct Ctx {
    headers: axum::http::HeaderMap,
    kill: Option<ConnKill>,
}

impl<St: Send + Sync> axum::extract::FromRequestParts<St> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &St,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(Ctx {
            headers: parts.headers.clone(),
            kill: parts.extensions.get::<ConnKill>().cloned(),
        })
    }
}

impl Ctx {
    /// A header's trimmed value, if it has a non-empty one.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let v = self.headers.get(name)?.to_str().ok()?.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// Drops the connection without an answer (the `reset` fault). Without a connection
    /// handle (a handler called directly), `fallback` is answered instead.
    pub(crate) async fn reset_or(
        &self,
        fallback: axum::response::Response,
    ) -> axum::response::Response {
        if let Some(kill) = &self.kill {
            kill.reset();
            std::future::pending::<()>().await;
        }
        fallback
    }
}

/// A running server. Dropping it aborts the server; [`SimServer::stop`] also waits.
pub(crate) struct SimServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimServer {
    /// Binds `addr` and serves `router`; `name` tells the simulators apart in logs.
    pub(crate) async fn start_on(
        addr: SocketAddr,
        router: Router,
        name: &'static str,
    ) -> io::Result<SimServer> {
        let listener = TcpListener::bind(addr).await?;
        let mut addr = listener.local_addr()?;
        // Clients need an address they can dial, not 0.0.0.0.
        if addr.ip().is_unspecified() {
            addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(serve(listener, router, rx, name));
        Ok(SimServer {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub(crate) async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: oneshot::Receiver<()>,
    name: &'static str,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, router.clone()));
                }
                Err(e) => {
                    tracing::debug!(error = %e, "{name} simulator: accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
        }
    }
    connections.shutdown().await;
}

/// Serves one connection until it ends or a handler asks for it to be reset.
async fn connection(stream: TcpStream, router: Router) {
    // A second descriptor on the socket, kept to set SO_LINGER 0 on a reset.
    let split = stream.into_std().and_then(|s| {
        let dup = s.try_clone()?;
        Ok((TcpStream::from_std(s)?, dup))
    });
    let Ok((stream, dup)) = split else {
        return;
    };
    let kill = Arc::new(Notify::new());
    let handle = ConnKill(Arc::clone(&kill));
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(handle.clone());
        router.clone().oneshot(req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {
            // Abortive close: the last close of the socket sends RST instead of FIN.
            if let Ok(dup) = TcpStream::from_std(dup) {
                let _ = dup.set_zero_linger();
            }
        }
    }
}
