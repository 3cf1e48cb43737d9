//! The Systems page's connector settings through `Services`: the mapping editor's spec,
//! its preview against the latest raw record the system sent (the inbox) or the shipped
//! example, bad mappings refused with the field named, pacing checked on save, and a
//! webhook secret rotation during which the old secret keeps working until the grace
//! period ends. Real keychain: run under scripts/with-keyring.sh.

mod common;
mod connector_settings_support;

use base64::Engine as _;
use common::{host, user};
use connector_settings_support::{erp, invalid_fields, preview, webhook, OLD_SECRET};
use serde_json::{json, Value};
use storelink_core::system::SystemPatch;
use storelink_core::{AppError, Role};
use storelink_service::systems::connector_settings::{FieldProblem, PreviewRequest, SampleSource};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_the_spec_but_only_managers_preview_and_rotate() {
    let h = host().await;
    let system = erp(
        &h,
        json!({"field_mapping": {"customers": {"contacts[0].phone": "mobile"}}}),
    )
    .await;
    let id = system.id.to_string();
    let staff = user(&h, "waiter", Role::Staff).await;

    let spec = h
        .services
        .connector_settings(&staff, &id)
        .await
        .expect("spec");
    let names: Vec<_> = spec.streams.iter().map(|s| s.stream.as_str()).collect();
    assert_eq!(names, ["customers", "products", "orders"]);
    let customers = &spec.streams[0];
    assert_eq!(customers.default_mapping["externalId"], "id");
    assert_eq!(customers.overrides["contacts[0].phone"], "mobile");
    assert!(customers.mappable.iter().any(|f| f == "contacts[0].title"));
    assert_eq!(spec.conflict_strategies.len(), 4);
    assert_eq!(spec.pacing.lookback_max, 86_400);
    assert!(spec.webhook.has_secret && !spec.webhook.in_grace);
    assert_eq!(spec.webhook.scheme, "standard_webhooks");

    let request: PreviewRequest =
        serde_json::from_value(json!({"stream": "customers"})).expect("request");
    let refused = [
        h.services
            .preview_mapping(&staff, &id, request)
            .await
            .map(|_| ()),
        h.services
            .rotate_webhook_secret(&staff, &id)
            .await
            .map(|_| ()),
        h.services
            .end_webhook_secret_grace(&staff, &id)
            .await
            .map(|_| ()),
    ];
    for outcome in refused {
        assert!(
            matches!(outcome, Err(AppError::Forbidden { .. })),
            "{outcome:?}"
        );
    }
    // Nothing moved: the old secret is still the only one.
    webhook(
        &h,
        &system,
        OLD_SECRET,
        "msg_1",
        "customer.updated",
        json!({"id": "C1"}),
    )
    .await
    .expect("old secret still current");
    let spec = h
        .services
        .connector_settings(&h.admin, &id)
        .await
        .expect("spec");
    assert!(!spec.webhook.in_grace);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_maps_the_stored_record_else_the_shipped_one() {
    let h = host().await;
    let system = erp(&h, json!({})).await;

    // Nothing received yet: the connector's shipped example, every field filled.
    let shipped = preview(&h, &system, json!({"stream": "customers"}))
        .await
        .expect("shipped");
    assert_eq!(shipped.sample_source, SampleSource::Shipped);
    assert_eq!(shipped.sample["contact_phone"], "13800138000");
    assert_eq!(shipped.mapped["contacts"][0]["phone"], "13800138000");
    assert!(
        shipped.fields.iter().all(|f| f.problem.is_none()),
        "{shipped:?}"
    );

    let vendor = json!({"id": "C9", "name": "杭州门店", "contact_phone": "057188880000",
        "mobile": "13911112222"});
    webhook(
        &h,
        &system,
        OLD_SECRET,
        "msg_c9",
        "customer.updated",
        vendor.clone(),
    )
    .await
    .expect("webhook");
    let stored = preview(
        &h,
        &system,
        json!({"stream": "customers",
            "overrides": {"contacts[0].phone": "mobile", "addresses[0].city": "town"}}),
    )
    .await
    .expect("stored");
    let SampleSource::Stored { event_type, .. } = &stored.sample_source else {
        panic!("expected the stored record, got {:?}", stored.sample_source);
    };
    assert_eq!(event_type, "customer.updated");
    assert_eq!(stored.sample, vendor);
    assert_eq!(stored.mapped["externalId"], "C9");
    assert_eq!(stored.mapped["contacts"][0]["phone"], "13911112222");
    let field = |target: &str| {
        stored
            .fields
            .iter()
            .find(|f| f.target == target)
            .unwrap_or_else(|| panic!("no field {target}"))
    };
    assert!(field("contacts[0].phone").overridden);
    assert_eq!(field("name").value, Some(json!("杭州门店")));
    assert_eq!(field("name").problem, None);
    let city = field("addresses[0].city");
    assert!(city.overridden && city.value.is_none());
    assert_eq!(city.problem, Some(FieldProblem::MissingSource));

    // Another stream has no received record: its shipped example.
    let products = preview(&h, &system, json!({"stream": "products"}))
        .await
        .expect("products");
    assert_eq!(products.sample_source, SampleSource::Shipped);
    // A pasted record wins over both.
    let given = preview(
        &h,
        &system,
        json!({"stream": "customers", "sample": {"id": "P1", "name": ""}}),
    )
    .await
    .expect("given");
    assert_eq!(given.sample_source, SampleSource::Given);
    assert_eq!(given.mapped, json!({"externalId": "P1", "name": ""}));
    assert_eq!(
        given
            .fields
            .iter()
            .find(|f| f.target == "name")
            .and_then(|f| f.problem),
        Some(FieldProblem::EmptyValue)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_mappings_and_pacing_are_refused_with_the_field_named() {
    let h = host().await;
    let system = erp(&h, json!({})).await;
    let err = preview(
        &h,
        &system,
        json!({"stream": "customers", "overrides": {"nmae": "x", "name": "bad path!"}}),
    )
    .await
    .expect_err("bad mapping");
    assert_eq!(
        invalid_fields(err),
        [
            "config.field_mapping.customers.name",
            "config.field_mapping.customers.nmae"
        ]
    );
    let err = preview(&h, &system, json!({"stream": "members"}))
        .await
        .expect_err("unknown stream");
    assert_eq!(invalid_fields(err), ["stream"]);
    let err = preview(
        &h,
        &system,
        json!({"stream": "customers", "sample": [1, 2]}),
    )
    .await
    .expect_err("not a record");
    assert_eq!(invalid_fields(err), ["sample"]);

    let save = |config: Value| {
        let patch: SystemPatch = serde_json::from_value(json!({"config": config})).expect("patch");
        let services = &h.services;
        let admin = &h.admin;
        let id = system.id.to_string();
        async move { services.update_system(admin, &id, patch).await }
    };
    let err = save(json!({"username": "storelink", "rate_limit_per_second": 0,
        "lookback_seconds": 90_000}))
    .await
    .expect_err("pacing out of range");
    assert_eq!(
        invalid_fields(err),
        ["config.rate_limit_per_second", "config.lookback_seconds"]
    );
    let saved = save(json!({"username": "storelink", "rate_limit_per_second": 5,
        "lookback_seconds": 600, "conflict_strategy": "latest_wins",
        "field_mapping": {"customers": {"contacts[0].phone": "mobile"}}}))
    .await
    .expect("valid settings saved");
    assert_eq!(saved.config["rate_limit_per_second"], 5);
    let spec = h
        .services
        .connector_settings(&h.admin, &system.id.to_string())
        .await
        .expect("spec");
    assert_eq!(spec.streams[0].overrides["contacts[0].phone"], "mobile");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_keeps_the_old_one_valid_until_the_grace_ends() {
    let h = host().await;
    let system = erp(&h, json!({})).await;
    let id = system.id.to_string();
    let data = |n: u32| json!({"id": format!("C{n}")});

    let rotated = h
        .services
        .rotate_webhook_secret(&h.admin, &id)
        .await
        .expect("rotate");
    assert!(rotated.previous_kept);
    let key = rotated.secret.strip_prefix("whsec_").expect("whsec_ form");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key)
        .expect("base64");
    assert_eq!(bytes.len(), 32);
    let new = rotated.secret.clone();
    let system_now = h.services.get_system(&h.admin, &id).await.expect("system");
    assert!(system_now
        .secret_fields
        .iter()
        .any(|n| n == "previous_webhook_secret"));

    // During the grace period both secrets are accepted.
    webhook(
        &h,
        &system,
        OLD_SECRET,
        "msg_1",
        "customer.updated",
        data(1),
    )
    .await
    .expect("old secret during grace");
    webhook(&h, &system, &new, "msg_2", "customer.updated", data(2))
        .await
        .expect("new secret");
    let spec = h
        .services
        .connector_settings(&h.admin, &id)
        .await
        .expect("spec");
    assert!(spec.webhook.has_secret && spec.webhook.in_grace);

    let after = h
        .services
        .end_webhook_secret_grace(&h.admin, &id)
        .await
        .expect("end grace");
    assert_eq!(after.secret_fields, ["password", "webhook_secret"]);
    let late = webhook(
        &h,
        &system,
        OLD_SECRET,
        "msg_3",
        "customer.updated",
        data(3),
    )
    .await;
    assert!(
        matches!(late, Err(AppError::BadSignature { .. })),
        "{late:?}"
    );
    webhook(&h, &system, &new, "msg_4", "customer.updated", data(4))
        .await
        .expect("new secret after grace");

    // Both steps are audited, and neither secret is anywhere on disk.
    let query = serde_json::from_value(json!({"entity": "system"})).expect("query");
    let audit = h
        .services
        .search_audit_log(&h.admin, &query)
        .await
        .expect("audit");
    let details: Vec<_> = audit
        .items
        .iter()
        .filter_map(|e| e.detail.clone())
        .collect();
    assert!(details.iter().any(|d| d.contains("rotated")), "{details:?}");
    assert!(
        details.iter().any(|d| d.contains("grace period ended")),
        "{details:?}"
    );
    for secret in [OLD_SECRET, new.as_str()] {
        let found = storelink_testkit::files_containing(h.dir.path(), secret);
        assert!(found.is_empty(), "a webhook secret reached {found:?}");
    }
    assert!(
        !format!("{rotated:?}").contains(&new),
        "Debug shows the secret"
    );
}
