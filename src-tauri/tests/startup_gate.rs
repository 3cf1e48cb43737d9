//! Commands that arrive while the data is still opening (the page loads meanwhile, see
//! src-tauri/src/startup.rs) wait for it and then answer as usual, through real IPC on
//! Tauri's mock runtime.

use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use storelink_desktop::{startup, AppState};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

fn call(window: &WebviewWindow<MockRuntime>, cmd: &str) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(json!({})),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json answer"))
}

/// Calls `cmd` on another thread; the answer arrives on the returned channel.
fn call_later(
    window: &WebviewWindow<MockRuntime>,
    cmd: &'static str,
) -> mpsc::Receiver<Result<Value, Value>> {
    let (tx, rx) = mpsc::channel();
    let window = window.clone();
    std::thread::spawn(move || {
        let _ = tx.send(call(&window, cmd));
    });
    rx
}

#[test]
fn commands_wait_for_the_data_then_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let builder = storelink_desktop::specta_builder::<MockRuntime>();
    let (opened, opening) = tokio::sync::watch::channel(false);
    let app = mock_builder()
        .invoke_handler(startup::gated_handler(builder.invoke_handler(), opening))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    builder.mount_events(&app);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");

    // No state yet: without the gate these would fail at once ("state not managed").
    let status = call_later(&window, "app_status");
    let unknown = call_later(&window, "no_such_command");
    assert!(
        status.recv_timeout(Duration::from_millis(300)).is_err(),
        "app_status answered before the data was open"
    );

    let state = tauri::async_runtime::block_on(AppState::open(dir.path()));
    app.manage(state);
    opened.send(true).expect("gate");

    let answer = status
        .recv_timeout(Duration::from_secs(30))
        .expect("app_status answered once open")
        .expect("app_status succeeded");
    assert_eq!(answer["needs_admin"], json!(true));
    let err = unknown
        .recv_timeout(Duration::from_secs(30))
        .expect("an unknown command is answered too")
        .expect_err("and refused");
    assert!(err.to_string().contains("not found"), "{err}");
    // Once open, commands go straight through.
    assert_eq!(
        call(&window, "app_status").expect("status")["needs_admin"],
        json!(true)
    );
}

/// Quitting (`RunEvent::Exit`) closes the data checked, so the next start skips its full
/// check; an app whose data never opened ends without touching anything.
#[test]
fn quitting_closes_the_data_checked_for_the_next_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = mock_builder()
        .build(mock_context(noop_assets()))
        .expect("mock app");
    startup::close_on_exit(app.handle());
    assert!(!dir.path().join("storelink.db").exists());

    app.manage(tauri::async_runtime::block_on(AppState::open(dir.path())));
    startup::close_on_exit(app.handle());
    assert!(dir.path().join("storelink.db.verified").exists());

    let next = tauri::async_runtime::block_on(storelink_service::Services::open(dir.path()))
        .expect("reopen");
    assert_eq!(
        next.opened_check(),
        storelink_service::OpenCheck::VerifiedAtLastClose
    );
}
