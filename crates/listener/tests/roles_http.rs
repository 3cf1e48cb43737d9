//! The roles matrix over HTTP: a token of every role against every route that carries an
//! operation, compared with the seeds' permission table (shared with the service matrix,
//! typed out from the seeds, not derived from roles.rs). Allowed: a 2xx. Refused: 403
//! `application/problem+json` of kind `forbidden`, no row or file changed, one `forbidden`
//! audit entry. Tokens bound to one system are refused every other system. Webhooks need
//! no token (seed 000/002: 接收Webhook 无需认证), only their signature.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-listener --test roles_http`

mod common;

#[path = "../../service/tests/roles_matrix/db_state.rs"]
mod db_state;
#[path = "../../service/tests/roles_matrix/seed_table.rs"]
mod seed_table;

use reqwest::Method;
use serde_json::{json, Value};
use storelink_core::Role;
use uuid::Uuid;

use common::{host, member_seed, pos_sale, reservation_seed, Host, Reply};

/// (method, route, operation). `{pos}` and the like are filled per call.
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "systems", "systems_view"),
    ("GET", "systems/{pos}", "systems_view"),
    ("POST", "systems", "systems_create"),
    ("PUT", "systems/{pos}", "systems_update"),
    ("DELETE", "systems/{throwaway}", "systems_delete"),
    ("POST", "systems/{pos}/test", "systems_test"),
    ("POST", "pos/{pos}/transactions", "pos_transactions_create"),
    ("GET", "pos/transactions", "pos_transactions_view"),
    (
        "POST",
        "supplier/{supplier}/orders",
        "supplier_orders_create",
    ),
    ("GET", "supplier/orders", "supplier_orders_view"),
    ("POST", "member/{member}/sync", "members_sync"),
    ("GET", "members", "members_view"),
    (
        "POST",
        "reservation/{reservation}/sync",
        "reservations_sync",
    ),
    ("GET", "reservation/list", "reservations_view"),
    (
        "PUT",
        "reservation/{confirmed}/status?status=arrived",
        "reservations_update_status",
    ),
    ("GET", "sync-logs", "sync_logs_view"),
];

struct Fixture {
    pos: Uuid,
    supplier: Uuid,
    member: Uuid,
    reservation: Uuid,
}

async fn fixture(h: &Host) -> Fixture {
    Fixture {
        // Nothing listens at its address: the connection test fails fast, on this machine.
        pos: h
            .system_with(
                "pos",
                "POS",
                "store-001",
                &[("webhook_secret", common::WHSEC)],
                json!({"api_endpoint": "http://127.0.0.1:9/pos"}),
            )
            .await,
        supplier: h.system("supplier", "供应商").await,
        member: h.system("member", "会员").await,
        reservation: h.system("reservation", "易订").await,
    }
}

/// The body a route takes; numbered so each allowed call makes a new record.
fn body(route: &str, n: usize) -> Option<Value> {
    let body = match route {
        "systems" => json!({"name": format!("HTTP 系统 {n}"), "type": "delivery",
            "provider": "generic", "store_id": "store-001"}),
        "systems/{pos}" => json!({"sync_interval": 600 + n}),
        "pos/{pos}/transactions" => pos_sale(&format!("TXN-H-{n}"), "12.50"),
        "supplier/{supplier}/orders" => {
            let mut order = common::supplier_seed();
            order["order_number"] = json!(format!("PO-H-{n}"));
            order
        }
        "member/{member}/sync" => {
            let mut member = member_seed();
            member["member_id"] = json!(format!("MEM-H-{n}"));
            member
        }
        "reservation/{reservation}/sync" => reservation(&format!("RES-H-{n}")),
        _ => return None,
    };
    Some(body)
}

fn reservation(id: &str) -> Value {
    let mut r = reservation_seed();
    r["reservation_id"] = json!(id);
    r["external_id"] = json!(format!("ext-{id}"));
    r
}

/// A confirmed reservation for an allowed status change.
async fn confirmed(h: &Host, f: &Fixture, n: usize) -> String {
    let id = format!("RES-C-{n}");
    h.post(
        &format!("reservation/{}/sync", f.reservation),
        &h.admin,
        &reservation(&id),
    )
    .await
    .expect(201);
    id
}

async fn call(
    h: &Host,
    f: &Fixture,
    route: &(&str, &str, &str),
    token: &str,
    n: usize,
    allowed: bool,
) -> Reply {
    let (method, path, _) = *route;
    let mut path = path
        .replace("{pos}", &f.pos.to_string())
        .replace("{supplier}", &f.supplier.to_string())
        .replace("{member}", &f.member.to_string())
        .replace("{reservation}", &f.reservation.to_string());
    if path.contains("{throwaway}") {
        let id = if allowed {
            h.system("payment", &format!("丢弃 {n}")).await
        } else {
            f.pos
        };
        path = path.replace("{throwaway}", &id.to_string());
    }
    if path.contains("{confirmed}") {
        let id = if allowed {
            confirmed(h, f, n).await
        } else {
            "RES-NOT-TOUCHED".into()
        };
        path = path.replace("{confirmed}", &id);
    }
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let body = body(route.1, n).map(|b| b.to_string().into_bytes());
    h.send(method, &path, Some(token), &[], body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_http_route() {
    let h = host().await;
    let f = fixture(&h).await;
    let pool = h.services.db().pool().clone();
    let folders = [h.dir.path()];
    let mut tokens = Vec::new();
    for &role in Role::ALL {
        tokens.push((role, h.token_for(role).await));
    }
    let mut n = 0;
    let (mut allowed_ok, mut refused) = (0, 0);
    for route in ROUTES {
        let op = route.2;
        for (role, token) in &tokens {
            n += 1;
            let cell = format!("{role} × {} {} ({op})", route.0, route.1);
            let allowed = seed_table::allowed(op, role.as_str());
            let before = db_state::snapshot(&pool, &folders).await;
            let reply = call(&h, &f, route, token, n, allowed).await;
            if allowed {
                assert!(
                    (200..300).contains(&reply.status),
                    "{cell}: allowed by the seeds, answered {}: {}",
                    reply.status,
                    reply.text
                );
                allowed_ok += 1;
                continue;
            }
            reply.problem(403);
            assert_eq!(
                reply.body["type"], "urn:storelink:problem:forbidden",
                "{cell}: {}",
                reply.text
            );
            let detail = reply.body["detail"].as_str().unwrap_or_default();
            assert!(
                detail.contains(op) && detail.contains(role.as_str()),
                "{cell}: {detail}"
            );
            let after = db_state::snapshot(&pool, &folders).await;
            db_state::assert_refusal_recorded(&pool, &before, &after, op, &cell).await;
            refused += 1;
        }
    }
    assert!(allowed_ok > 0 && refused > 0);
    eprintln!(
        "HTTP roles matrix: {} cells, {allowed_ok} allowed, {refused} refused",
        ROUTES.len() * tokens.len()
    );
}

/// A token bound to one system: refused every other system, its lists limited to its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_bound_token_reaches_only_its_system() {
    let h = host().await;
    let f = fixture(&h).await;
    let other_pos = h.system("pos", "另一台 POS").await;
    let bound = h.token(Role::Admin, Some(f.pos), Some(100_000)).await;
    let pool = h.services.db().pool().clone();
    let folders = [h.dir.path()];

    let before = db_state::snapshot(&pool, &folders).await;
    let reply = h
        .post(
            &format!("pos/{other_pos}/transactions"),
            &bound,
            &pos_sale("TXN-B-1", "1.00"),
        )
        .await;
    reply.problem(403);
    let after = db_state::snapshot(&pool, &folders).await;
    assert_eq!(
        before.rows, after.rows,
        "nothing stored for the other system"
    );
    assert_eq!(
        before.audit.get("success"),
        after.audit.get("success"),
        "no success audited"
    );
    h.get(&format!("systems/{other_pos}"), &bound)
        .await
        .problem(403);

    h.post(
        &format!("pos/{}/transactions", f.pos),
        &bound,
        &pos_sale("TXN-B-2", "1.00"),
    )
    .await
    .expect(201);
    let listed = h.get("systems", &bound).await;
    listed.expect(200);
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, [f.pos.to_string()]);
    let sales = h.get("pos/transactions", &bound).await;
    sales.expect(200);
    assert!(sales.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|t| t["system_id"] == json!(f.pos.to_string())));
}

/// No token, a bad token: 401 on every route with an operation; a webhook needs none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_need_a_token_and_webhooks_need_only_a_signature() {
    let h = host().await;
    let f = fixture(&h).await;
    for (n, route) in ROUTES.iter().enumerate() {
        let reply = call(&h, &f, route, "sl_not-a-real-token", n, false).await;
        reply.problem(401);
        let method = Method::from_bytes(route.0.as_bytes()).expect("method");
        let path = route.1.replace("{pos}", &f.pos.to_string());
        let anonymous = h.send(method, &path, None, &[], None).await;
        assert_eq!(
            anonymous.status, 401,
            "{} {}: {}",
            route.0, route.1, anonymous.text
        );
    }
    let event = json!({"id": "evt-roles-1", "event": "reservation.created",
        "data": reservation("RES-W-1")});
    let signed = h.signed_webhook("reservation", f.reservation, &event).await;
    assert!(
        signed.status == 200 || signed.status == 201,
        "{}",
        signed.text
    );
    assert_eq!(signed.body["created"], true, "{}", signed.text);
    let unsigned = h
        .webhook(
            "reservation",
            &f.reservation.to_string(),
            &[],
            event.to_string().as_bytes(),
        )
        .await;
    unsigned.problem(401);
}
