//! The desktop's commands over real IPC without a window: Tauri's mock runtime, the app's
//! real state on a temp database and the real keychain (run under scripts/with-keyring.sh).
#![allow(dead_code)]

use serde_json::Value;
use storelink_desktop::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

pub struct Desktop {
    _dir: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

impl Desktop {
    pub fn open() -> Desktop {
        Desktop::open_with(|_| {})
    }

    /// A desktop on a fresh data folder; `setup` does the part of the app's own setup a
    /// test needs (live updates, notifications) before the window opens.
    pub fn open_with(setup: impl FnOnce(&tauri::App<MockRuntime>)) -> Desktop {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = tauri::async_runtime::block_on(AppState::open(dir.path()));
        let builder = storelink_desktop::specta_builder::<MockRuntime>();
        let app = mock_builder()
            .invoke_handler(builder.invoke_handler())
            .build(mock_context(noop_assets()))
            .expect("mock app");
        builder.mount_events(&app);
        app.manage(state);
        setup(&app);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        Desktop {
            _dir: dir,
            app,
            window,
        }
    }

    /// Invokes a command as the UI does; `Err` holds the typed AppError as JSON.
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        tauri::test::get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("json answer"))
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The AppError a call fails with, as JSON.
    pub fn error(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded: {v}"),
            Err(e) => e,
        }
    }

    /// The `kind` of the AppError a call fails with.
    pub fn error_kind(&self, cmd: &str, args: Value) -> String {
        self.error(cmd, args)["kind"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}
