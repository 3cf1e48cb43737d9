//! Refusals: a wrong password, and the vendor's codes and faults in their seed 004 classes.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_authentication_error_without_retries() {
    let h = host("", "not-the-password").await;
    // One open order, so the sync has something to ask for.
    let o = order(&h, "PO-W-1", SupplierOrderStatus::Pending);
    let mut tx = h.db.write().await.expect("tx");
    supplier_orders::insert(&mut tx, &o, "w", "local")
        .await
        .expect("order");
    tx.commit().await.expect("commit");
    let err = h
        .sync("logistics", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err:?}");
    assert!(err.to_string().contains("用户名或密码错误"), "{err}");
    assert!(!err.to_string().contains("not-the-password"));
    assert_eq!(h.sim.stats().failed_logins, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_refusals_keep_their_class_and_message() {
    let h = host("429:1", PASSWORD).await;
    // Each case: the fault in force, the entry, the class it must fail with, retried or not.
    let cases: Vec<(&str, Entry, ErrorClass, OutboxStatus)> = vec![
        (
            "429:1",
            create_entry(&h, "PO-E-1"),
            ErrorClass::RateLimitError,
            OutboxStatus::Pending,
        ),
        (
            // Every token dies at once: one new login, then an authentication error.
            "expire_token_every:1",
            create_entry(&h, "PO-E-0"),
            ErrorClass::AuthenticationError,
            OutboxStatus::Dead,
        ),
        (
            "500:1",
            create_entry(&h, "PO-E-2"),
            ErrorClass::NetworkError,
            OutboxStatus::Pending,
        ),
        (
            "",
            (
                "supplier_order:PO-NONE".into(),
                "supplier_order.cancel",
                json!({"order_number": "PO-NONE", "reason": "不要了"}),
            ),
            ErrorClass::BusinessLogicError,
            OutboxStatus::Dead,
        ),
        (
            "",
            (
                "supplier_order:PO-E-3".into(),
                "supplier_order.reschedule",
                json!({"order_number": "PO-E-3"}),
            ),
            ErrorClass::ValidationError,
            OutboxStatus::Dead,
        ),
    ];
    for (faults, entry, class, status) in cases {
        h.sim.set_faults(FaultSpec::parse(faults).expect("faults"));
        let key = entry.0.clone();
        queue(&h, vec![entry]).await;
        h.engine.dispatch_once().await.expect("dispatch");
        let e = h
            .outbox_entries()
            .await
            .into_iter()
            .find(|e| e.record_key == key)
            .expect("entry");
        assert_eq!(
            (e.status, e.last_error_class),
            (status, Some(class)),
            "{key}: {e:?}"
        );
        assert!(
            e.last_error.as_deref().is_some_and(|m| !m.is_empty()),
            "{e:?}"
        );
        if class == ErrorClass::BusinessLogicError {
            assert!(
                e.last_error
                    .as_deref()
                    .is_some_and(|m| m.contains("不存在")),
                "{e:?}"
            );
        }
    }
}
