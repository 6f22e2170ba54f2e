use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

fn main_window() -> WebviewWindow<MockRuntime> {
    window("main")
}

fn window(label: &str) -> WebviewWindow<MockRuntime> {
    let app = mcp_keys_desktop::configure(tauri::test::mock_builder())
        .build(tauri::generate_context!("tauri.conf.json", test = true))
        .expect("the app builds on the mock runtime");
    WebviewWindowBuilder::new(&app, label, Default::default())
        .build()
        .expect("the window opens")
}

fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a valid URL"),
            body: InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<serde_json::Value>().expect("JSON"))
}

#[test]
fn app_info_reports_the_version_and_the_local_service_address() {
    let info = invoke(&main_window(), "app_info").expect("app_info is granted to the main window");
    assert_eq!(info["name"], "MCP Keys");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        info["localServiceUrl"]
            .as_str()
            .is_some_and(|url| url.starts_with("http://127.0.0.1:")),
        "the local key service listens on loopback only, got {info}"
    );
}

#[test]
fn a_window_the_capabilities_do_not_name_can_call_nothing() {
    let refused = invoke(&window("untrusted"), "app_info");
    assert!(
        refused.is_err(),
        "capabilities grant commands to the main window only: {refused:?}"
    );
}
