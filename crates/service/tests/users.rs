//! Accounts: first administrator, sign-in, sessions.

mod common;

use storelink_core::AppError;
use storelink_service::Services;

use common::host;

#[tokio::test]
async fn first_start_needs_an_admin_exactly_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path()).await.expect("open");
    assert!(services.needs_admin().await.expect("status"));
    let weak = services.create_first_admin("admin", "short").await;
    assert!(matches!(weak, Err(AppError::Validation { .. })));
    assert!(
        services.needs_admin().await.expect("status"),
        "nothing saved on bad input"
    );
    let (user, actor) = services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("admin");
    assert_eq!(actor.role, storelink_core::Role::Admin);
    assert!(!services.needs_admin().await.expect("status"));
    let again = services.create_first_admin("admin2", "Adm1n-pass!").await;
    assert!(matches!(again, Err(AppError::Conflict { .. })));
    let (_, session) = services.session_actor(user.id).await.expect("session");
    assert_eq!(session.username, "admin");
}

#[tokio::test]
async fn login_checks_the_password_and_hides_which_part_was_wrong() {
    let h = host().await;
    let (user, _) = h
        .services
        .login("admin", "Adm1n-pass!")
        .await
        .expect("login");
    assert!(user.last_login_at.is_some());
    assert_eq!(
        h.services.login("admin", "wrong-password").await.err(),
        Some(AppError::BadCredentials)
    );
    assert_eq!(
        h.services.login("nobody", "Adm1n-pass!").await.err(),
        Some(AppError::BadCredentials)
    );
    let audit = h
        .services
        .audit_log(&h.admin, None, 50)
        .await
        .expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.detail.as_deref() == Some("sign-in failed"))
            .count(),
        2
    );
    // The stored hash is argon2, never the password.
    h.services.close().await;
    assert!(storelink_testkit::files_containing(h.dir.path(), "Adm1n-pass!").is_empty());
}

#[tokio::test]
async fn usernames_are_unique_case_insensitively() {
    let h = host().await;
    h.services
        .add_user(&h.admin, "Floor", "Passw0rd-long", "floor_manager")
        .await
        .expect("add");
    let dup = h
        .services
        .add_user(&h.admin, "floor", "Passw0rd-long", "staff")
        .await;
    assert!(matches!(dup, Err(AppError::Conflict { field: Some(ref f), .. }) if f == "username"));
    let bad_role = h
        .services
        .add_user(&h.admin, "x", "Passw0rd-long", "root")
        .await;
    assert!(matches!(bad_role, Err(AppError::Validation { .. })));
}
