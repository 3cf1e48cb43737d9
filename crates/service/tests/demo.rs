//! Demo mode as the first-run screen starts it: the simulators, demo systems pointing at
//! them, the real listener, and a POS terminal pushing sales; data arrives within a
//! bounded wait, and removing the demo leaves none of it. Needs the keychain.

mod common;

use std::time::{Duration, Instant};

use storelink_core::system::{SystemFilter, SystemType};
use storelink_core::{AppError, Role};
use storelink_listener::control::ListenerControl;
use storelink_secrets::Keychain;
use storelink_service::demo::{BoxFuture, DemoListener};
use storelink_service::listener_settings::ListenerSettings;
use storelink_service::records::ReservationQuery;
use storelink_service::{Services, KEYCHAIN_SERVICE};
use uuid::Uuid;

use common::{host, user};

/// The desktop app's listener control, as demo mode reaches it.
struct Switch(ListenerControl);

impl DemoListener for Switch {
    fn apply(&self, settings: ListenerSettings) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move {
            let status = self.0.apply(settings).await;
            match (status.running, status.url) {
                (true, Some(url)) => Ok(url),
                _ => Err(status.error.unwrap_or_else(|| "stopped".into())),
            }
        })
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn pos_count(services: &Services, system: Uuid) -> i64 {
    let mut conn = services.db().read().await.expect("read");
    storelink_store::pos::count(
        &mut conn,
        &storelink_store::pos::PosFilter {
            system_id: Some(system),
            ..Default::default()
        },
    )
    .await
    .expect("count")
}

async fn reservation_count(
    services: &Services,
    admin: &storelink_core::Actor,
    system: Uuid,
) -> usize {
    let query = ReservationQuery {
        system_id: Some(system.to_string()),
        limit: Some(1000),
        ..ReservationQuery::default()
    };
    services
        .list_reservations(admin, query)
        .await
        .expect("reservations")
        .items
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_brings_data_in_and_removal_leaves_nothing() {
    let h = host().await;
    let s = &h.services;
    // Off, on a free port: never the default one another program may hold.
    s.save_listener_settings(
        &h.admin,
        ListenerSettings {
            enabled: false,
            lan: false,
            port: free_port(),
            tls: false,
        },
    )
    .await
    .expect("listener settings");
    let switch = Switch(ListenerControl::new(s.clone()));
    let floor = user(&h, "floor", Role::FloorManager).await;
    assert!(matches!(
        s.start_demo(&floor, &switch).await,
        Err(AppError::Forbidden { .. })
    ));

    let background = s.start_background_sync();
    let status = s.start_demo(&h.admin, &switch).await.expect("demo");
    assert!(status.running);
    let mut types: Vec<_> = status.systems.iter().map(|d| d.system_type).collect();
    types.sort_by_key(|t| t.as_str());
    assert_eq!(
        types,
        [
            SystemType::Erp,
            SystemType::Member,
            SystemType::Pos,
            SystemType::Reservation,
            SystemType::Supplier
        ]
    );
    for demo in &status.systems {
        let system = s
            .get_system(&h.admin, &demo.id.to_string())
            .await
            .expect("system");
        assert_eq!(
            system.config["demo"],
            serde_json::json!(true),
            "{}",
            system.name
        );
        assert!(system.name.starts_with("演示"), "{}", system.name);
    }
    let id_of = |t: SystemType| {
        status
            .systems
            .iter()
            .find(|d| d.system_type == t)
            .map(|d| d.id)
            .expect("demo system")
    };
    let (pos, yiding) = (id_of(SystemType::Pos), id_of(SystemType::Reservation));
    assert!(s.listener_settings().await.expect("listener").enabled);
    // Starting again leaves the running demo as it is.
    let again = s.start_demo(&h.admin, &switch).await.expect("again");
    assert_eq!(again.systems, status.systems);

    // Sales arrive through the listener; the scheduler pulls reservations from Yiding.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sales = pos_count(s, pos).await;
        let reservations = reservation_count(s, &h.admin, yiding).await;
        if sales >= 2 && reservations > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "within a minute: {sales} sales, {reservations} reservations; tasks {:?}",
            s.list_sync_tasks(&h.admin, None, &Default::default()).await
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let running = s.demo_status(&h.admin).await.expect("status");
    assert!(
        running.pushed >= 2 && running.terminal_error.is_none(),
        "{running:?}"
    );

    let _ = background.send(true);
    let endpoint = s
        .get_system(&h.admin, &pos.to_string())
        .await
        .expect("pos")
        .api_endpoint
        .expect("endpoint");
    let removal = s.remove_demo(&h.admin, &switch).await.expect("remove");
    assert_eq!(removal.systems, 5);
    assert!(removal.rows > 2, "{removal:?}");

    let after = s.demo_status(&h.admin).await.expect("status");
    assert!(after.systems.is_empty() && !after.running, "{after:?}");
    assert_eq!(pos_count(s, pos).await, 0);
    assert_eq!(reservation_count(s, &h.admin, yiding).await, 0);
    let systems = s
        .list_systems(&h.admin, &SystemFilter::default())
        .await
        .expect("systems");
    assert!(systems.items.is_empty(), "{:?}", systems.items);
    let tokens = s.list_tokens(&h.admin).await.expect("tokens");
    assert!(
        tokens.iter().all(|t| t.system_id != Some(pos)),
        "{tokens:?}"
    );
    let secret = Keychain::new(KEYCHAIN_SERVICE)
        .get(pos, "api_key")
        .await
        .expect("keychain");
    assert!(secret.is_none(), "the demo's keys leave the keychain");
    // The simulators are stopped and the listener is off again.
    let probe = reqwest::Client::new()
        .get(&endpoint)
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(probe.is_err(), "{probe:?}");
    assert!(!s.listener_settings().await.expect("listener").enabled);
}
