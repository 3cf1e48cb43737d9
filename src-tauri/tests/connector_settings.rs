//! The connector settings commands over real IPC (Tauri's mock runtime, no window) against
//! a temp database and the real keychain: the mapping editor's spec and preview, a bad
//! mapping's typed error, a webhook secret rotation answered once, and a role without
//! rights refused by the core. Run under `scripts/with-keyring.sh`.

mod common;

use serde_json::json;
use storelink_desktop::AppState;
use tauri::Manager;

use common::Desktop;

fn erp(d: &Desktop) -> String {
    let endpoint = tauri::async_runtime::block_on(storelink_testkit::closed_port_url());
    let system = d.ok(
        "create_system",
        json!({"input": {
            "name": "总部ERP", "type": "erp", "provider": "custom", "api_endpoint": endpoint,
            "config": {"username": "storelink",
                "field_mapping": {"customers": {"contacts[0].phone": "mobile"}}},
            "secrets": {"password": "erp-pass", "webhook_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
        }}),
    );
    system["id"].as_str().expect("system id").to_owned()
}

fn add_staff(d: &Desktop) {
    let state = d.app.state::<AppState>();
    let services = state.services().expect("services");
    tauri::async_runtime::block_on(async {
        let (_, admin) = services
            .login("admin", "Adm1n-pass!")
            .await
            .expect("admin login");
        services
            .add_user(&admin, "waiter", "Passw0rd-long", "staff")
            .await
            .expect("add staff");
    });
}

#[test]
fn connector_settings_commands_answer_and_check_the_role() {
    let d = Desktop::open();
    assert_eq!(
        d.error_kind("connector_settings", json!({"id": "x"})),
        "unauthenticated"
    );
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    let id = erp(&d);

    let spec = d.ok("connector_settings", json!({"id": id}));
    assert_eq!(spec["streams"][0]["stream"], "customers");
    assert_eq!(
        spec["streams"][0]["overrides"]["contacts[0].phone"],
        "mobile"
    );
    assert_eq!(spec["webhook"]["has_secret"], true);
    assert_eq!(spec["webhook"]["in_grace"], false);

    let preview = d.ok(
        "preview_field_mapping",
        json!({"id": id, "request": {"stream": "customers",
            "overrides": {"contacts[0].phone": "mobile"},
            "sample": {"id": "C1", "name": "门店", "mobile": "13900000000"}}}),
    );
    assert_eq!(preview["sample_source"]["kind"], "given");
    assert_eq!(preview["mapped"]["contacts"][0]["phone"], "13900000000");
    let code = preview["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["target"] == "code")
        .expect("code field");
    assert_eq!(code["problem"], "missing_source");

    let bad = d.error(
        "preview_field_mapping",
        json!({"id": id, "request": {"stream": "customers", "overrides": {"nmae": "x"}}}),
    );
    assert_eq!(bad["kind"], "validation", "{bad}");
    assert_eq!(
        bad["errors"][0]["field"],
        "config.field_mapping.customers.nmae"
    );

    let rotated = d.ok("rotate_webhook_secret", json!({"id": id}));
    let secret = rotated["secret"].as_str().expect("secret");
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    assert_eq!(rotated["previous_kept"], true);
    let spec = d.ok("connector_settings", json!({"id": id}));
    assert_eq!(spec["webhook"]["in_grace"], true);
    assert!(
        !spec.to_string().contains(secret),
        "the spec never carries a secret"
    );
    let system = d.ok("end_webhook_secret_grace", json!({"id": id}));
    assert_eq!(
        system["secret_fields"],
        json!(["password", "webhook_secret"])
    );

    // Staff may read the section but neither preview nor rotate.
    add_staff(&d);
    d.ok(
        "login",
        json!({"username": "waiter", "password": "Passw0rd-long"}),
    );
    assert!(d.ok("connector_settings", json!({"id": id}))["streams"].is_array());
    for (cmd, args) in [
        (
            "preview_field_mapping",
            json!({"id": id, "request": {"stream": "customers"}}),
        ),
        ("rotate_webhook_secret", json!({"id": id})),
        ("end_webhook_secret_grace", json!({"id": id})),
    ] {
        assert_eq!(d.error_kind(cmd, args), "forbidden", "{cmd}");
    }
}
