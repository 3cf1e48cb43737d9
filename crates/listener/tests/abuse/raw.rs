//! Requests written byte for byte on a TCP socket, for what an HTTP client library would
//! refuse to send (floods of headers, lying lengths, endless chunks).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A bound on waiting for one answer: reaching it means the server is stuck.
pub const STUCK: Duration = Duration::from_secs(60);

pub async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr)
        .await
        .expect("connect to the listener")
}

/// The status of the answer on `sock`, reading until the status line is complete; `None`
/// when the server closed the connection without answering.
pub async fn status<R: AsyncRead + Unpin>(sock: &mut R) -> Option<u16> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some(end) = buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&buf[..end]).into_owned();
                return line.split(' ').nth(1).and_then(|s| s.parse().ok());
            }
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(STUCK, read)
        .await
        .expect("the listener answers or closes")
}

/// Sends `head` (and `body`, ignoring a reset once the server has answered early) and
/// reads the answer's status.
pub async fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> Option<u16> {
    let mut sock = connect(addr).await;
    let _ = sock.write_all(head.as_bytes()).await;
    let _ = sock.write_all(body).await;
    status(&mut sock).await
}
