//! Staff account administration: role changes, disabling, password resets, the rules
//! that keep an administrator in charge, and the audit log viewer's filters.

mod common;

use storelink_core::{AppError, Role};
use storelink_service::audit_log::AuditQuery;
use uuid::Uuid;

use common::{host, user};

const PASS: &str = "Passw0rd-long";

#[tokio::test]
async fn an_admin_changes_roles_disables_and_resets_passwords() {
    let h = host().await;
    let s = &h.services;
    let floor = s
        .add_user_account(&h.admin, "floor", PASS, "staff")
        .await
        .expect("add");
    assert!(!floor.disabled);

    let changed = s
        .change_user_role(&h.admin, floor.id, "floor_manager")
        .await
        .expect("role");
    assert_eq!(changed.role, Role::FloorManager);
    let (_, session) = s.session_actor(floor.id).await.expect("session");
    assert_eq!(session.role, Role::FloorManager, "takes effect at once");

    let disabled = s
        .set_user_disabled(&h.admin, floor.id, true)
        .await
        .expect("disable");
    assert!(disabled.disabled);
    assert_eq!(
        s.login("floor", PASS).await.err(),
        Some(AppError::BadCredentials)
    );
    assert_eq!(
        s.session_actor(floor.id).await.err(),
        Some(AppError::Unauthenticated),
        "an open session ends"
    );
    s.set_user_disabled(&h.admin, floor.id, false)
        .await
        .expect("enable");
    assert!(s.login("floor", PASS).await.is_ok());

    let short = s.reset_user_password(&h.admin, floor.id, "short").await;
    assert!(matches!(short, Err(AppError::Validation { .. })));
    s.reset_user_password(&h.admin, floor.id, "N3w-passw0rd")
        .await
        .expect("reset");
    assert_eq!(
        s.login("floor", PASS).await.err(),
        Some(AppError::BadCredentials)
    );
    assert!(s.login("floor", "N3w-passw0rd").await.is_ok());

    let accounts = s.list_user_accounts(&h.admin).await.expect("list");
    let names: Vec<_> = accounts.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(names, ["admin", "floor"]);
    let bad_role = s.change_user_role(&h.admin, floor.id, "root").await;
    assert!(matches!(bad_role, Err(AppError::Validation { .. })));
    let nobody = s.set_user_disabled(&h.admin, Uuid::now_v7(), true).await;
    assert!(matches!(nobody, Err(AppError::NotFound { .. })));

    // Each change is on record, and the viewer filters by action and entity.
    let page = s
        .search_audit_log(
            &h.admin,
            &AuditQuery {
                action: Some("users_manage".into()),
                entity: Some("user".into()),
                outcome: Some("success".into()),
                ..AuditQuery::default()
            },
        )
        .await
        .expect("audit");
    let details: Vec<_> = page
        .items
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .collect();
    for expected in [
        "role changed to floor_manager",
        "account disabled",
        "account enabled",
        "password reset",
    ] {
        assert!(details.contains(&expected), "{expected}: {details:?}");
    }
    assert!(
        page.items.iter().all(|e| e.action == "users_manage"),
        "filtered"
    );
}

#[tokio::test]
async fn an_administrator_stays_in_charge() {
    let h = host().await;
    let s = &h.services;
    let admin_id = h.admin.user_id.expect("admin id");
    let own = s.set_user_disabled(&h.admin, admin_id, true).await;
    assert!(matches!(own, Err(AppError::Conflict { .. })), "{own:?}");
    let last = s.change_user_role(&h.admin, admin_id, "staff").await;
    assert!(
        matches!(last, Err(AppError::Conflict { ref message, .. }) if message.contains("last administrator")),
        "{last:?}"
    );

    // A store manager manages staff, but not administrators nor making one.
    let manager = user(&h, "manager", Role::StoreManager).await;
    let waiter = s
        .add_user_account(&manager, "waiter", PASS, "staff")
        .await
        .expect("manager adds staff");
    s.change_user_role(&manager, waiter.id, "warehouse_manager")
        .await
        .expect("manager changes a staff role");
    for refused in [
        s.change_user_role(&manager, waiter.id, "admin").await,
        s.set_user_disabled(&manager, admin_id, true).await,
        s.reset_user_password(&manager, admin_id, "Takeover-123")
            .await,
    ] {
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{refused:?}"
        );
    }
    assert!(s.login("admin", "Adm1n-pass!").await.is_ok(), "untouched");

    // With a second administrator, the first may be demoted.
    let second = s
        .add_user_account(&h.admin, "admin2", PASS, "admin")
        .await
        .expect("second admin");
    s.change_user_role(&h.admin, admin_id, "store_manager")
        .await
        .expect("no longer the last");
    let (_, demoted) = s.session_actor(admin_id).await.expect("session");
    assert_eq!(demoted.role, Role::StoreManager);

    // Staff see nothing of it, and the refusal is on record.
    let staff = user(&h, "clerk", Role::Staff).await;
    assert!(matches!(
        s.list_user_accounts(&staff).await,
        Err(AppError::Forbidden { .. })
    ));
    let (_, admin2) = s.login("admin2", PASS).await.expect("admin2");
    assert_eq!(second.role, Role::Admin);
    let refusals = s
        .search_audit_log(
            &admin2,
            &AuditQuery {
                outcome: Some("forbidden".into()),
                ..AuditQuery::default()
            },
        )
        .await
        .expect("audit");
    let actors: Vec<_> = refusals.items.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(
        actors.iter().filter(|a| **a == "manager").count(),
        3,
        "{actors:?}"
    );
    assert!(actors.contains(&"clerk"), "{actors:?}");
    let bad = s
        .search_audit_log(
            &admin2,
            &AuditQuery {
                outcome: Some("maybe".into()),
                ..AuditQuery::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(AppError::Validation { .. })));
}

/// A token's last use is written once a minute, not on every request: the cached copy
/// takes the new time with the write (it kept the old one, so every request until the
/// cache entry expired wrote again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokens_last_use_is_written_once_a_minute_not_per_request() {
    let h = host().await;
    let s = &h.services;
    let created = s
        .add_token(
            &h.admin,
            storelink_core::token::NewToken {
                name: "till".into(),
                role: Role::Staff,
                system_id: None,
                rate_limit: None,
            },
        )
        .await
        .expect("token");
    let last_use = || async { s.list_tokens(&h.admin).await.expect("tokens")[0].last_used_at };
    s.authenticate_token(&created.token)
        .await
        .expect("first use");
    let mut first = None;
    for _ in 0..100 {
        first = last_use().await;
        if first.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let first = first.expect("the first use is written");
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        s.authenticate_token(&created.token)
            .await
            .expect("later use");
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        last_use().await,
        Some(first),
        "no second write within the minute"
    );
}
