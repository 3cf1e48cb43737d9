//! A loopback HTTP proxy in front of a vendor simulator that damages the simulator's
//! replies as a plan says: the n-th reply of a case gets the n-th damage (or none). The
//! connector under test speaks real HTTP to it; the simulator's replies give the damage a
//! realistic shape to start from.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::json::Edit;

/// One way to spoil a reply.
#[derive(Debug, Clone)]
pub enum Damage {
    /// The JSON body edited at one place (a body that is not JSON passes unchanged).
    Json { pick: usize, edit: Edit },
    /// A bit flipped (`how` 0), a cut (1), a byte inserted (2) or removed (3), at a
    /// position given in thousandths of the body.
    Bytes { how: u8, at: u16, byte: u8 },
    /// Another status, the body unchanged.
    Status(u16),
    /// No body at all.
    Empty,
    /// A body of any JSON instead.
    Body(Value),
    /// A throttling answer with this `Retry-After`.
    RetryAfter { status: u16, value: String },
    /// The same body under another content type.
    ContentType(String),
    /// These fields set in the JSON object body, the rest kept (a token answer with an
    /// absurd lifetime but its real token); a body that is not a JSON object passes as is.
    Merge(Value),
}

#[derive(Default)]
struct Plan {
    steps: Vec<Option<Damage>>,
    served: usize,
}

pub struct Proxy {
    pub base_url: String,
    plan: Arc<Mutex<Plan>>,
}

impl Proxy {
    pub async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let plan = Arc::new(Mutex::new(Plan::default()));
        let shared = plan.clone();
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (plan, http, target) = (shared.clone(), http.clone(), target.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, &plan, &http, &target).await;
                });
            }
        });
        Proxy { base_url, plan }
    }

    /// The damage for the next replies, in order; later replies pass unchanged.
    pub fn set(&self, steps: Vec<Option<Damage>>) {
        if let Ok(mut plan) = self.plan.lock() {
            *plan = Plan { steps, served: 0 };
        }
    }

    fn next(plan: &Mutex<Plan>) -> Option<Damage> {
        let mut plan = plan.lock().ok()?;
        let n = plan.served;
        plan.served += 1;
        plan.steps.get(n).cloned().flatten()
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 1 << 20 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

const HOP_BY_HOP: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "content-encoding",
];

async fn serve(
    mut sock: TcpStream,
    plan: &Mutex<Plan>,
    http: &reqwest::Client,
    target: &str,
) -> Option<()> {
    let req = read_request(&mut sock).await?;
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).ok()?;
    let mut out = http.request(method, format!("{target}{}", req.path));
    for (k, v) in req
        .headers
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.as_str()))
    {
        out = out.header(k, v);
    }
    let reply = out.body(req.body).send().await.ok()?;
    let mut status = reply.status().as_u16();
    let mut headers: Vec<(String, String)> = reply
        .headers()
        .iter()
        .filter(|(k, _)| !HOP_BY_HOP.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut body = reply.bytes().await.ok()?.to_vec();
    match Proxy::next(plan) {
        None => {}
        Some(Damage::Json { pick, edit }) => {
            if let Ok(mut doc) = serde_json::from_slice::<Value>(&body) {
                crate::json::apply(&mut doc, pick, edit);
                body = serde_json::to_vec(&doc).unwrap_or_default();
            }
        }
        Some(Damage::Bytes { how, at, byte }) => {
            let i = (body.len() * usize::from(at.min(1000))) / 1000;
            let i = i.min(body.len().saturating_sub(1));
            match how {
                0 if !body.is_empty() => body[i] ^= 1 << (byte % 8),
                1 => body.truncate(i),
                2 => body.insert(i.min(body.len()), byte),
                _ if !body.is_empty() => {
                    body.remove(i);
                }
                _ => {}
            }
        }
        Some(Damage::Status(s)) => status = s,
        Some(Damage::Empty) => body.clear(),
        Some(Damage::Body(v)) => body = serde_json::to_vec(&v).unwrap_or_default(),
        Some(Damage::RetryAfter { status: s, value }) => {
            status = s;
            headers.retain(|(k, _)| k != "retry-after");
            headers.push(("retry-after".into(), value));
        }
        Some(Damage::Merge(fields)) => {
            if let (Ok(Value::Object(mut doc)), Value::Object(fields)) =
                (serde_json::from_slice::<Value>(&body), fields)
            {
                doc.extend(fields);
                body = serde_json::to_vec(&doc).unwrap_or_default();
            }
        }
        Some(Damage::ContentType(t)) => {
            headers.retain(|(k, _)| k != "content-type");
            headers.push(("content-type".into(), t));
        }
    }
    let mut text = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in &headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    sock.write_all(text.as_bytes()).await.ok()?;
    sock.write_all(&body).await.ok()?;
    sock.shutdown().await.ok()
}
