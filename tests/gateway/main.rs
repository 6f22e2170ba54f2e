//! A surface in front of a real MCP server (DESIGN §7): the official
//! filesystem server from npm (pinned in `tests/clients/package-lock.json`)
//! behind `mcp-keys serve --allow-upstream-commands`, reached over HTTP
//! with keys as an IDE sends them.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{Service, free_port, npm_bin, pip_venv, spawn, wait_for_port};

/// The MCP protocol version the requests speak.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// One JSON-RPC request to the surface with `key`: the status and the body
/// (a refusal's `{"error":{...}}`, or the JSON-RPC answer).
async fn rpc(url: &str, key: &str, method: &str, params: Value) -> Result<(StatusCode, Value)> {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?;
    Ok((status, body))
}

fn tool_names(answer: &Value) -> Vec<String> {
    answer["result"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
        .collect()
}

fn filesystem(notes: &Path) -> Result<Value> {
    Ok(json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-filesystem").display().to_string(),
        "args": [notes.display().to_string()],
    }))
}

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
async fn an_upstream_that_cannot_start_is_a_clear_error_and_the_service_stays_up() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let missing = service
        .gateway_surface(
            &json!({"type": "stdio", "command": "/nonexistent/mcp-server"}),
            &[],
        )
        .await?;
    let (key, _) = service
        .key(&missing, &json!({"name": "MCP - test"}))
        .await?;
    let started = Instant::now();
    let (status, answer) = rpc(&missing.url, &key, "tools/list", json!({})).await?;
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(
        status,
        StatusCode::OK,
        "an MCP error, in a JSON-RPC answer: {answer}"
    );
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("could not start") && message.contains("/nonexistent/mcp-server"),
        "{answer}"
    );

    // A command that exits at once: its stderr says why.
    let failing = service
        .gateway_surface(
            &json!({"type": "stdio", "command": "sh",
                "args": ["-c", "echo 'config file missing' >&2; exit 3"]}),
            &[],
        )
        .await?;
    let (key, _) = service
        .key(&failing, &json!({"name": "MCP - test"}))
        .await?;
    let (_, answer) = rpc(&failing.url, &key, "tools/list", json!({})).await?;
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("config file missing"), "{answer}");
    let status = service
        .expect(
            StatusCode::OK,
            Method::GET,
            &format!("{}/upstream", failing.path),
            None,
        )
        .await?;
    assert_eq!(status["state"], "crashed", "{status}");
    assert!(
        status["stderrTail"]
            .as_str()
            .is_some_and(|tail| tail.contains("config file missing")),
        "{status}"
    );
    assert!(status["lastError"].is_string(), "{status}");

    // A client that keeps asking gets the last error at once while the
    // restart waits (1 s, doubling): the failing command is not started
    // again for each request.
    let starts = tempfile::NamedTempFile::new()?;
    let counting = service
        .gateway_surface(
            &json!({"type": "stdio", "command": "sh",
                "args": ["-c", format!("echo start >> {}; exit 3", starts.path().display())]}),
            &[],
        )
        .await?;
    let (key, _) = service
        .key(&counting, &json!({"name": "MCP - test"}))
        .await?;
    // For 2.5 s: starts at 0 s and after 1 s at most (the next waits 2 s).
    let window = Instant::now();
    let (mut requests, mut waiting) = (0, 0);
    while window.elapsed() < Duration::from_millis(2500) {
        let (_, answer) = rpc(&counting.url, &key, "tools/list", json!({})).await?;
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{answer}");
        requests += 1;
        waiting += usize::from(message.contains("the next start is tried in"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let started = std::fs::read_to_string(starts.path())?.lines().count();
    assert!(
        started <= 2 && waiting > 0 && requests > started,
        "{started} starts for {requests} requests ({waiting} told to wait)"
    );

    let health = reqwest::get(format!("{}/health", service.base)).await?;
    assert_eq!(health.status(), StatusCode::OK);
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

/// server-everything over stdio.
fn everything() -> Result<Value> {
    Ok(json!({
        "type": "stdio",
        "command": npm_bin()?.join("mcp-server-everything").display().to_string(),
        "args": ["stdio"],
    }))
}

/// The upstream's state, from `GET …/surfaces/{id}/upstream`.
async fn upstream_state(service: &Service, surface: &mcp_keys_e2e::Surface) -> Result<Value> {
    service
        .expect(
            StatusCode::OK,
            Method::GET,
            &format!("{}/upstream", surface.path),
            None,
        )
        .await
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

#[tokio::test]
async fn a_silent_upstream_is_an_error_within_the_time_limit_and_an_idle_one_is_stopped()
-> Result<()> {
    let service = Service::start_with(&[
        "--allow-upstream-commands",
        "--upstream-timeout",
        "2",
        "--upstream-idle-stop",
        "2",
    ])
    .await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service.key(&surface, &json!({"name": "MCP - all"})).await?;
    let echo = json!({"name": "echo", "arguments": {"message": "hello"}});
    let (status, answer) = rpc(&surface.url, &key, "tools/call", echo.clone()).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // A call the upstream does not answer in time (it takes 30 s).
    let started = Instant::now();
    let (_, answer) = rpc(
        &surface.url,
        &key,
        "tools/call",
        json!({"name": "trigger-long-running-operation",
            "arguments": {"duration": 30, "steps": 1}}),
    )
    .await?;
    assert!(started.elapsed() < Duration::from_secs(10), "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not answer within 2 s"), "{answer}");
    let (status, answer) = rpc(&surface.url, &key, "tools/call", echo.clone()).await?;
    assert_eq!(status, StatusCode::OK, "the gateway goes on: {answer}");
    assert!(answer["result"].is_object(), "{answer}");

    // Unused for 2 s: stopped; the next request starts it again.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = upstream_state(&service, &surface).await?;
        if status["state"] == "stopped" {
            break;
        }
        assert!(Instant::now() < deadline, "not stopped when idle: {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, answer) = rpc(&surface.url, &key, "tools/call", echo).await?;
    assert!(answer["result"].is_object(), "{answer}");
    assert_eq!(
        upstream_state(&service, &surface).await?["state"],
        "running"
    );
    Ok(())
}

/// An MCP server that misbehaves after the handshake: for any request it
/// writes a line that is not JSON, a 20 MiB line, and a flood of
/// notifications, and never answers.
const MISBEHAVING_SERVER: &str = r#"
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("method") == "initialize":
        answer = {"jsonrpc": "2.0", "id": message["id"], "result": {
            "protocolVersion": message["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "misbehaving", "version": "1"}}}
        print(json.dumps(answer), flush=True)
    elif "id" in message:
        print("this is not JSON-RPC", flush=True)
        sys.stdout.write('{"jsonrpc": "2.0", "padding": "' + "x" * (20 * 1024 * 1024) + '"}\n')
        note = json.dumps({"jsonrpc": "2.0", "method": "notifications/message",
                           "params": {"level": "info", "data": "flood"}})
        for _ in range(20000):
            sys.stdout.write(note + "\n")
        sys.stdout.flush()
"#;

#[tokio::test]
async fn an_upstream_that_sends_garbage_huge_lines_and_floods_is_contained() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("misbehaving.py");
    std::fs::write(&script, MISBEHAVING_SERVER)?;
    let service =
        Service::start_with(&["--allow-upstream-commands", "--upstream-timeout", "3"]).await?;
    let bad = service
        .gateway_surface(
            &json!({"type": "stdio", "command": "python3",
                "args": [script.display().to_string()]}),
            &[],
        )
        .await?;
    let good = service.gateway_surface(&everything()?, &[]).await?;
    let (bad_key, _) = service.key(&bad, &json!({"name": "MCP - bad"})).await?;
    let (good_key, _) = service.key(&good, &json!({"name": "MCP - good"})).await?;

    let started = Instant::now();
    let flood = rpc(&bad.url, &bad_key, "tools/list", json!({}));
    // Another surface answers while the flood lasts.
    let echo = rpc(
        &good.url,
        &good_key,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "still here"}}),
    );
    let ((_, flooded), (status, echoed)) = tokio::try_join!(flood, echo)?;
    assert!(started.elapsed() < Duration::from_secs(30), "bounded time");
    let message = flooded["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not answer within 3 s"), "{flooded}");
    assert_eq!(status, StatusCode::OK, "{echoed}");
    assert!(echoed.to_string().contains("still here"), "{echoed}");

    let health = reqwest::get(format!("{}/health", service.base)).await?;
    assert_eq!(health.status(), StatusCode::OK);
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
