//! Oversized bodies and header floods.

use reqwest::Method;
use serde_json::json;

use crate::common::{host, Host, PREFIX};
use crate::raw::exchange;

/// One byte over the listener's default 1 MiB, as a JSON string.
fn oversized() -> Vec<u8> {
    let pad = "x".repeat(storelink_listener::DEFAULT_BODY_LIMIT);
    json!({"transaction_id": "TXN-BIG", "total": "1.00", "pad": pad})
        .to_string()
        .into_bytes()
}

/// What is stored across the systems: their records and their inboxes.
async fn stored(h: &Host, systems: &[uuid::Uuid]) -> String {
    let mut all = Vec::new();
    for path in [
        "pos/transactions",
        "supplier/orders",
        "members",
        "reservation/list",
        "systems",
    ] {
        all.push(json!(h.list(&format!("{path}?limit=1000")).await));
    }
    for id in systems {
        all.push(json!(h.inbox(*id).await));
    }
    json!(all).to_string()
}

async fn healthy(h: &Host) {
    let reply = h.send(Method::GET, "/healthz", None, &[], None).await;
    reply.expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_over_the_limit_is_a_413_and_stores_nothing() {
    let h = host().await;
    let staff = h.admin.clone();
    let pos = h.system("pos", "POS").await;
    let supplier = h.system("supplier", "Supplier").await;
    let member = h.system("member", "Member").await;
    let reservation = h.system("reservation", "Reservation").await;
    let erp = h.system("erp", "ERP").await;
    let systems = [pos, supplier, member, reservation, erp];
    let before = stored(&h, &systems).await;
    let token_routes = [
        (Method::POST, format!("pos/{pos}/transactions")),
        (Method::POST, format!("supplier/{supplier}/orders")),
        (Method::POST, format!("member/{member}/sync")),
        (Method::POST, format!("reservation/{reservation}/sync")),
        (Method::POST, "systems".to_owned()),
        (Method::PUT, format!("systems/{pos}")),
    ];
    for (method, path) in token_routes {
        let reply = h
            .send(method, &path, Some(&staff), &[], Some(oversized()))
            .await;
        reply.problem(413);
    }
    let open_routes = [
        format!("webhooks/pos/{pos}"),
        format!("webhooks/supplier/{supplier}"),
        format!("webhooks/member/{member}"),
        format!("webhooks/reservation/{reservation}"),
        format!("webhooks/erp/{erp}"),
        format!("webhooks/temu/{erp}"),
        format!("callbacks/ylh/{supplier}"),
        "/api/webhook/temu".to_owned(),
    ];
    for path in open_routes {
        let reply = h
            .send(Method::POST, &path, None, &[], Some(oversized()))
            .await;
        reply.problem(413);
    }
    assert_eq!(
        stored(&h, &systems).await,
        before,
        "an oversized body stored something"
    );
    healthy(&h).await;
}

/// A length far over the limit is refused from the header alone, and a chunked body is
/// cut off once it passes the limit: the server never reads gigabytes to say no.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_lengths_and_endless_chunks_are_cut_off() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let addr = h.listener.local_addr();
    let path = format!("{PREFIX}/webhooks/pos/{pos}");
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n"
    );
    assert_eq!(exchange(addr, &head, b"{\"event\":").await, Some(413));
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
    let body = chunk.repeat(20).into_bytes();
    assert_eq!(exchange(addr, &head, &body).await, Some(413));
    assert!(h.inbox(pos).await.is_empty());
    healthy(&h).await;
}

/// A client that sends its (too large, but plausible) body after a pause still gets the
/// 413: the listener reads the body to its end before answering, instead of closing the
/// connection under a client still writing (which then sees a broken pipe, not the answer;
/// found as a rare CI failure of the test above).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_body_is_read_to_its_end_so_its_sender_gets_the_answer() {
    use tokio::io::AsyncWriteExt;
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let body = oversized();
    let head = format!(
        "POST {PREFIX}/webhooks/pos/{pos} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut sock = crate::raw::connect(h.listener.local_addr()).await;
    sock.write_all(head.as_bytes())
        .await
        .expect("the head is sent");
    // Long enough for a listener answering from the head alone to have closed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for part in body.chunks(64 * 1024) {
        sock.write_all(part)
            .await
            .expect("the listener still reads the body");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(crate::raw::status(&mut sock).await, Some(413));
    assert!(h.inbox(pos).await.is_empty());
    healthy(&h).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_floods_are_refused_and_the_listener_stays_up() {
    let h = host().await;
    let addr = h.listener.local_addr();
    let many: String = (0..1000).map(|i| format!("x-flood-{i}: {i}\r\n")).collect();
    let head = format!("GET /healthz HTTP/1.1\r\nhost: x\r\n{many}\r\n");
    assert_eq!(exchange(addr, &head, b"").await, Some(431), "1000 headers");
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nhost: x\r\nx-huge: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    assert_eq!(
        exchange(addr, &huge, b"").await,
        Some(431),
        "a 1 MiB header"
    );
    let uri = format!(
        "GET /healthz?{} HTTP/1.1\r\nhost: x\r\n\r\n",
        "q".repeat(1 << 20)
    );
    let status = exchange(addr, &uri, b"").await;
    assert!(
        matches!(status, Some(414 | 431 | 400)),
        "a 1 MiB request line: {status:?}"
    );
    // Many connections flooding at once; the listener still answers afterwards.
    let floods: Vec<_> = (0..20)
        .map(|_| {
            let head = head.clone();
            tokio::spawn(async move { exchange(addr, &head, b"").await })
        })
        .collect();
    for f in floods {
        assert_eq!(f.await.expect("flood task"), Some(431));
    }
    healthy(&h).await;
}
