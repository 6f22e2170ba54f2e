//! Real MCP servers from npm and PyPI behind a surface, local and remote,
//! each key within its scopes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{PROTOCOL_VERSION, Service, free_port, npm_bin, pip_venv, spawn, wait_for_port};

use crate::{filesystem, rpc, tool_names, upstream_state};

#[tokio::test]
async fn a_key_reads_real_files_and_a_write_outside_its_scopes_never_reaches_the_server()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let notes = std::fs::canonicalize(dir.path())?.join("notes");
    std::fs::create_dir_all(&notes)?;
    let todo = notes.join("todo.md");
    std::fs::write(&todo, "buy milk\n")?;
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service
        .gateway_surface(
            &filesystem(&notes)?,
            &["read_text_file", "list_directory", "write_file"],
        )
        .await?;
    let (reader, _) = service
        .key(
            &surface,
            &json!({"name": "MCP - reader", "scopes": ["read_text_file", "list_directory"]}),
        )
        .await?;
    let (writer, writer_id) = service
        .key(&surface, &json!({"name": "MCP - writer"}))
        .await?;
    let path = todo.display().to_string();
    let status_path = format!("{}/upstream", surface.path);
    let status = service
        .expect(StatusCode::OK, Method::GET, &status_path, None)
        .await?;
    assert_eq!(
        status["state"], "stopped",
        "not started before a client needs it"
    );

    // The reader sees the server's read tools only, and reads the file.
    let (status, listed) = rpc(&surface.url, &reader, "tools/list", json!({})).await?;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(tool_names(&listed), ["read_text_file", "list_directory"]);
    let (status, read) = rpc(
        &surface.url,
        &reader,
        "tools/call",
        json!({"name": "read_text_file", "arguments": {"path": path}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert!(read.to_string().contains("buy milk"), "{read}");
    let status = service
        .expect(StatusCode::OK, Method::GET, &status_path, None)
        .await?;
    assert_eq!(status["state"], "running", "{status}");

    // A write with the reader's key is refused before the server sees it.
    let (status, refused) = rpc(
        &surface.url,
        &reader,
        "tools/call",
        json!({"name": "write_file", "arguments": {"path": path, "content": "pwned"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"]["reason"], "scope");
    assert_eq!(std::fs::read_to_string(&todo)?, "buy milk\n");

    // The writer (no scopes: every tool) sees them all and writes.
    let (_, listed) = rpc(&surface.url, &writer, "tools/list", json!({})).await?;
    assert!(
        tool_names(&listed).contains(&"write_file".to_owned()),
        "{listed}"
    );
    let (status, written) = rpc(
        &surface.url,
        &writer,
        "tools/call",
        json!({"name": "write_file", "arguments": {"path": path, "content": "buy bread\n"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(std::fs::read_to_string(&todo)?, "buy bread\n");

    // Revoked: the next request is refused, the server is not reached.
    service
        .expect(
            StatusCode::OK,
            Method::DELETE,
            &format!("{}/keys/{writer_id}", surface.path),
            None,
        )
        .await?;
    let (status, refused) = rpc(
        &surface.url,
        &writer,
        "tools/call",
        json!({"name": "write_file", "arguments": {"path": path, "content": "late"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(std::fs::read_to_string(&todo)?, "buy bread\n");

    // The surface's capabilities are the server's own tools, synced from
    // it (here by the CLI), with what each does.
    let data = dir.path().join("cli-data");
    let surface_id = surface.path.rsplit('/').next().unwrap_or_default();
    let synced = service
        .cli(&data)?
        .args(["surfaces", "sync", surface_id, "--json"])
        .output()?;
    assert!(synced.status.success(), "{synced:?}");
    let synced: Value = serde_json::from_slice(&synced.stdout)?;
    let items = synced["items"].as_array().cloned().unwrap_or_default();
    let edit = items
        .iter()
        .find(|item| item["capabilityName"] == "edit_file")
        .with_context(|| format!("edit_file is synced: {synced}"))?;
    assert_eq!(edit["kind"], "tool", "{edit}");
    assert!(edit["description"].is_string(), "{edit}");
    Ok(())
}

#[tokio::test]
async fn prompts_and_resources_pass_through_within_the_keys_scopes() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let everything = json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-everything").display().to_string(),
        "args": ["stdio"],
    });
    let features = "demo://resource/static/document/features.md";
    let surface = service
        .gateway_surface(&everything, &["simple-prompt", features])
        .await?;
    let (scoped, _) = service
        .key(
            &surface,
            &json!({"name": "MCP - docs", "scopes": ["simple-prompt", features]}),
        )
        .await?;
    let (open, _) = service.key(&surface, &json!({"name": "MCP - all"})).await?;

    // The client meets the real server: its name and what it offers.
    let (_, initialized) = rpc(
        &surface.url,
        &scoped,
        "initialize",
        json!({"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
            "clientInfo": {"name": "e2e", "version": "1"}}),
    )
    .await?;
    let result = &initialized["result"];
    assert_eq!(
        result["serverInfo"]["name"], "mcp-servers/everything",
        "{initialized}"
    );
    assert!(
        result["capabilities"]["prompts"].is_object(),
        "{initialized}"
    );
    assert!(
        result["capabilities"]["resources"].is_object(),
        "{initialized}"
    );

    let names = |answer: &Value, list: &str, field: &str| -> Vec<String> {
        answer["result"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item[field].as_str().map(str::to_owned))
            .collect()
    };
    let (_, prompts) = rpc(&surface.url, &scoped, "prompts/list", json!({})).await?;
    assert_eq!(names(&prompts, "prompts", "name"), ["simple-prompt"]);
    let (status, prompt) = rpc(
        &surface.url,
        &scoped,
        "prompts/get",
        json!({"name": "simple-prompt"}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{prompt}");
    assert!(prompt["result"]["messages"].is_array(), "{prompt}");
    let (status, refused) = rpc(
        &surface.url,
        &scoped,
        "prompts/get",
        json!({"name": "args-prompt", "arguments": {"city": "Paris"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    let (_, resources) = rpc(&surface.url, &scoped, "resources/list", json!({})).await?;
    assert_eq!(names(&resources, "resources", "uri"), [features]);
    let (status, read) = rpc(
        &surface.url,
        &scoped,
        "resources/read",
        json!({"uri": features}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert!(read["result"]["contents"][0]["text"].is_string(), "{read}");
    let (status, _) = rpc(
        &surface.url,
        &scoped,
        "resources/read",
        json!({"uri": "demo://resource/static/document/architecture.md"}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, templates) = rpc(&surface.url, &scoped, "resources/templates/list", json!({})).await?;
    assert_eq!(
        names(&templates, "resourceTemplates", "uriTemplate").len(),
        0
    );

    // A key without scopes sees everything the server offers.
    let (_, prompts) = rpc(&surface.url, &open, "prompts/list", json!({})).await?;
    assert!(names(&prompts, "prompts", "name").len() > 1, "{prompts}");
    let (_, templates) = rpc(&surface.url, &open, "resources/templates/list", json!({})).await?;
    assert!(
        !names(&templates, "resourceTemplates", "uriTemplate").is_empty(),
        "{templates}"
    );

    // Each forwarded call is in the audit log: key, client (the name it
    // gave in initialize), capability, outcome, duration; lists are not.
    let surface_id = surface.path.rsplit('/').next().unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(10);
    let calls = loop {
        let events = service
            .expect(
                StatusCode::OK,
                Method::GET,
                &format!("/v1/events?surfaceId={surface_id}"),
                None,
            )
            .await?;
        let calls: Vec<Value> = events["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|event| event["type"] == "mcp_call")
            .cloned()
            .collect();
        if calls.len() >= 2 || Instant::now() > deadline {
            break calls;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let seen: Vec<(&str, &str, &str)> = calls
        .iter()
        .map(|call| {
            (
                call["capability"].as_str().unwrap_or_default(),
                call["client"].as_str().unwrap_or_default(),
                call["outcome"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("simple-prompt", "e2e", "ok"), (features, "e2e", "ok")],
        "{calls:?}"
    );
    assert!(
        calls.iter().all(|call| call["durationMs"].is_u64()),
        "{calls:?}"
    );
    assert!(
        !serde_json::to_string(&calls)?.contains("Paris"),
        "no arguments are recorded"
    );
    Ok(())
}

#[tokio::test]
async fn a_remote_upstream_is_reached_over_streamable_http_with_its_secret_header() -> Result<()> {
    // server-everything in its Streamable HTTP mode, as a remote server.
    let port = free_port()?;
    let mut remote = spawn(
        "server-everything (streamableHttp)",
        std::process::Command::new(npm_bin()?.join("mcp-server-everything"))
            .arg("streamableHttp")
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    )?;
    wait_for_port(&mut remote, port, Duration::from_secs(30))?;
    let service = Service::start_with_env(
        &[],
        &[("MCP_KEYS_SECRET_EVERYTHING_TOKEN", "upstream-credential")],
    )
    .await?;
    let url = format!("http://127.0.0.1:{port}/mcp");
    let surface = service
        .gateway_surface(
            &json!({"type": "http", "url": url,
                "headers": {"Authorization": {"secretRef": "everything-token"},
                    "X-Team": "platform"}}),
            &["echo", "get-sum"],
        )
        .await?;
    // The surface as the API returns it: the reference, never the secret.
    let shown = service
        .expect(StatusCode::OK, Method::GET, &surface.path, None)
        .await?;
    assert_eq!(
        shown["upstream"]["headers"]["Authorization"]["secretRef"], "everything-token",
        "{shown}"
    );
    assert!(!shown.to_string().contains("upstream-credential"));

    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - echo", "scopes": ["echo"]}))
        .await?;
    let (status, listed) = rpc(&surface.url, &key, "tools/list", json!({})).await?;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(tool_names(&listed), ["echo"]);
    let (status, echoed) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "through the gateway"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{echoed}");
    assert!(
        echoed.to_string().contains("through the gateway"),
        "{echoed}"
    );
    let (status, refused) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "get-sum", "arguments": {"a": 1, "b": 2}}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(
        upstream_state(&service, &surface).await?["state"],
        "running"
    );

    // The remote server goes away: a clear error, and the state says so.
    drop(remote);
    let started = Instant::now();
    let (_, failed) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "again"}}),
    )
    .await?;
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(failed["error"]["message"].is_string(), "{failed}");
    let status = upstream_state(&service, &surface).await?;
    assert_eq!(status["state"], "unreachable", "{status}");

    // A secret the service does not have: the error names where to put it.
    let unset = service
        .gateway_surface(
            &json!({"type": "http", "url": url,
                "headers": {"Authorization": {"secretRef": "not-set"}}}),
            &[],
        )
        .await?;
    let (key, _) = service.key(&unset, &json!({"name": "MCP - x"})).await?;
    let (_, answer) = rpc(&unset.url, &key, "tools/list", json!({})).await?;
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("MCP_KEYS_SECRET_NOT_SET"), "{answer}");
    Ok(())
}

/// `mcp-server-time` from PyPI, pinned.
const TIME_SERVER: &str = "mcp-server-time==2026.10.19";

#[tokio::test]
async fn a_python_server_from_pypi_answers_through_the_gateway_within_the_keys_scopes() -> Result<()>
{
    let venv = pip_venv("mcp-server-time", TIME_SERVER)?;
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service
        .gateway_surface(
            &json!({"type": "stdio",
                "command": venv.join("bin/mcp-server-time").display().to_string(),
                "args": ["--local-timezone", "UTC"]}),
            &[],
        )
        .await?;
    // Its tools become the surface's capabilities, so a key can be scoped
    // to one of them.
    let synced = service
        .expect(
            StatusCode::OK,
            Method::POST,
            &format!("{}/upstream/sync", surface.path),
            None,
        )
        .await?;
    let names: Vec<&str> = synced["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["capabilityName"].as_str())
        .collect();
    assert_eq!(names, ["convert_time", "get_current_time"], "{synced}");
    let (key, _) = service
        .key(
            &surface,
            &json!({"name": "MCP - clock", "scopes": ["get_current_time"]}),
        )
        .await?;
    let (_, listed) = rpc(&surface.url, &key, "tools/list", json!({})).await?;
    assert_eq!(tool_names(&listed), ["get_current_time"]);
    let (status, now) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "get_current_time", "arguments": {"timezone": "Europe/Paris"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{now}");
    assert!(now.to_string().contains("Europe/Paris"), "{now}");
    let (status, _) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "convert_time", "arguments": {"source_timezone": "UTC",
            "time": "12:00", "target_timezone": "Asia/Tokyo"}}),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "outside the key's scopes");
    Ok(())
}
