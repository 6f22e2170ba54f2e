//! A real MCP client this project did not write, the official Python SDK
//! from PyPI, against the real `mcp-keys serve` binary over HTTP: a key
//! created through the management API works in it, and every refusal of
//! DESIGN §4 reaches it with its status and reason.
//!
//! Needs python3 with venv (Debian package python3-venv) and PyPI on the
//! first run, which installs the pinned SDK under `target/py/mcp-client`.

use anyhow::Result;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{PythonClient, Service, npm_bin};

/// The name `python_client.py` gives in `initialize`'s clientInfo.
const CLIENT_NAME: &str = "python-sdk-test-client";

fn list() -> Value {
    json!({"op": "list"})
}

fn call(name: &str, arguments: Value) -> Value {
    json!({"op": "call", "name": name, "arguments": arguments})
}

/// `(status, error.code, error.reason)` of a refusal the client reported.
fn refusal(answer: &Value) -> (Option<u64>, &str, &str) {
    assert_eq!(answer["ok"], false, "a refusal is expected: {answer}");
    let error = &answer["body"]["error"];
    (
        answer["status"].as_u64(),
        error["code"].as_str().unwrap_or_default(),
        error["reason"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn the_python_sdk_lists_and_calls_the_tools_of_a_generated_key() -> Result<()> {
    let service = Service::start().await?;
    let surface = service
        .surface("development", &["search", "fetch", "admin"])
        .await?;
    let (key, key_id) = service
        .key(
            &surface,
            &json!({"name": "laptop", "scopes": ["search", "fetch"]}),
        )
        .await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");

    let tools = client.send(&list()).await?;
    let mut names: Vec<&str> = tools["tools"]
        .as_array()
        .map(|tools| tools.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    names.sort_unstable();
    assert_eq!(names, ["fetch", "search"], "only the key's scopes: {tools}");

    let called = client.send(&call("search", json!({"q": "rust"}))).await?;
    assert_eq!(called["ok"], true, "{called}");
    assert_eq!(called["isError"], false, "{called}");
    let content = called["content"].to_string();
    assert!(
        content.contains("search") && content.contains("rust"),
        "the capability names itself and echoes its arguments: {called}"
    );

    let metadata = service
        .expect(
            StatusCode::OK,
            Method::GET,
            &format!("/v1/keys/{key_id}"),
            None,
        )
        .await?;
    assert_eq!(
        metadata["lastUsedClient"], CLIENT_NAME,
        "lastUsedClient is the SDK's clientInfo name: {metadata}"
    );
    Ok(())
}

#[tokio::test]
async fn the_clients_next_request_after_a_revoke_fails_with_401_revoked() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["search"]).await?;
    let (key, key_id) = service.key(&surface, &json!({"name": "laptop"})).await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");
    assert_eq!(client.send(&list()).await?["ok"], true);

    service
        .expect(
            StatusCode::OK,
            Method::DELETE,
            &format!("{}/keys/{key_id}", surface.path),
            None,
        )
        .await?;

    let answer = client.send(&list()).await?;
    assert_eq!(
        refusal(&answer),
        (Some(401), "invalid_api_key", "revoked"),
        "{answer}"
    );
    Ok(())
}

#[tokio::test]
async fn a_development_key_on_a_production_surface_fails_with_environment_mismatch() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("production", &["search"]).await?;
    let (key, _) = service
        .key(
            &surface,
            &json!({"name": "laptop", "environment": "development"}),
        )
        .await?;
    let (_client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(
        refusal(&initialized),
        (Some(401), "invalid_api_key", "environment_mismatch"),
        "{initialized}"
    );
    Ok(())
}

#[tokio::test]
async fn a_tool_outside_the_keys_scopes_is_refused_with_403_scope() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["search", "admin"]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "laptop", "scopes": ["search"]}))
        .await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");

    let answer = client.send(&call("admin", json!({}))).await?;
    assert_eq!(
        refusal(&answer),
        (Some(403), "permission_denied", "scope"),
        "{answer}"
    );
    let answer = client.send(&call("search", json!({}))).await?;
    assert_eq!(answer["ok"], true, "a tool in scope still works: {answer}");
    Ok(())
}

#[tokio::test]
async fn an_inactive_surface_is_refused_with_403_surface_inactive() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("development", &["search"]).await?;
    let (key, _) = service.key(&surface, &json!({"name": "laptop"})).await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");

    service
        .expect(
            StatusCode::OK,
            Method::PUT,
            &surface.path,
            Some(&json!({"status": "inactive"})),
        )
        .await?;

    let answer = client.send(&list()).await?;
    assert_eq!(
        refusal(&answer),
        (Some(403), "permission_denied", "surface_inactive"),
        "{answer}"
    );
    Ok(())
}

#[tokio::test]
async fn the_python_sdk_calls_a_real_server_through_the_gateway() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let everything = json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-everything").display().to_string(),
        "args": ["stdio"],
    });
    let surface = service.gateway_surface(&everything, &["echo"]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "laptop", "scopes": ["echo"]}))
        .await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");

    let tools = client.send(&list()).await?;
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .map(|tools| tools.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["echo"],
        "the upstream's tools within the key's scopes: {tools}"
    );
    let called = client
        .send(&call("echo", json!({"message": "through the gateway"})))
        .await?;
    assert_eq!(called["ok"], true, "{called}");
    assert!(
        called["content"]
            .to_string()
            .contains("through the gateway"),
        "the real server answered: {called}"
    );
    let refused = client
        .send(&call("get-sum", json!({"a": 1, "b": 2})))
        .await?;
    let (status, code, reason) = refusal(&refused);
    assert_eq!(
        (status, code, reason),
        (Some(403), "permission_denied", "scope")
    );
    Ok(())
}
