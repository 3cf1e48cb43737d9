//! Slow clients (slowloris): connections that send their request head a byte at a time
//! must neither keep others from being answered nor stay open for ever.

use std::time::Duration;

use reqwest::Method;
use tokio::io::AsyncWriteExt;

use crate::common::host;
use crate::raw::{connect, status, STUCK};

const SLOW_CLIENTS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_do_not_hold_the_listener() {
    let h = host().await;
    let addr = h.listener.local_addr();
    let head = b"POST /api/v1/integrations/pos/transactions HTTP/1.1\r\nhost: x\r\nx-slow: ";
    // Each slow client dribbles its head, one byte every 50 ms, and never finishes it.
    let mut slow = Vec::new();
    for _ in 0..SLOW_CLIENTS {
        let mut sock = connect(addr).await;
        slow.push(tokio::spawn(async move {
            for byte in head.iter().chain(std::iter::repeat(&b'a')) {
                if sock.write_all(&[*byte]).await.is_err() {
                    // The listener dropped us: what it should do once the time is up.
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        }));
    }
    // Meanwhile every ordinary request is answered.
    for _ in 0..20 {
        let reply = tokio::time::timeout(STUCK, h.send(Method::GET, "/healthz", None, &[], None))
            .await
            .expect("answered while slow clients are connected");
        reply.expect(200);
        let page = tokio::time::timeout(STUCK, h.get("pos/transactions", &h.admin))
            .await
            .expect("a list answered while slow clients are connected");
        page.expect(200);
    }
    // A client that stops half-way through its head is closed by the listener (with a
    // 408 or without an answer) once the header read timeout has passed.
    let mut stalled = connect(addr).await;
    stalled
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-never-ends: ")
        .await
        .expect("write part of a head");
    let waited = tokio::time::timeout(
        storelink_listener::HEADER_READ_TIMEOUT + STUCK,
        status(&mut stalled),
    )
    .await;
    let answer = waited.expect("the listener closes a stalled client");
    assert!(matches!(answer, None | Some(408)), "{answer:?}");
    // And the dribbling clients were dropped too, not served for ever.
    for task in slow {
        let dropped = tokio::time::timeout(storelink_listener::HEADER_READ_TIMEOUT + STUCK, task)
            .await
            .expect("a slow client is dropped")
            .expect("slow client task");
        assert!(dropped, "a slow client was kept");
    }
}

/// A client that sends its head at once but trickles its body (slow POST) gets a
/// refusal once the body read time is up (without the limit it would be read for hours),
/// nothing is stored, and others are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_refused_and_stores_nothing() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let addr = h.listener.local_addr();
    let body = br#"{"event":"transaction.created","data":{}}"#;
    let head = format!(
        "POST /api/v1/integrations/webhooks/pos/{pos} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len() + 100_000
    );
    let (mut reader, mut writer) = connect(addr).await.into_split();
    writer.write_all(head.as_bytes()).await.expect("head");
    // 100 kB at ten bytes a second: hours, unless the listener cuts it off.
    let trickle = tokio::spawn(async move {
        for byte in body.iter().chain(std::iter::repeat(&b' ')) {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let reply = h.send(Method::GET, "/healthz", None, &[], None).await;
    reply.expect(200);
    let answer = tokio::time::timeout(
        storelink_listener::BODY_READ_TIMEOUT + STUCK,
        status(&mut reader),
    )
    .await
    .expect("the trickling client is cut off");
    trickle.abort();
    assert!(matches!(answer, Some(400 | 408) | None), "{answer:?}");
    assert!(h.inbox(pos).await.is_empty(), "a trickled body was stored");
}
