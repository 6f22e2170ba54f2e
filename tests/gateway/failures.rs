//! Servers that cannot start, stay silent, or misbehave: a clear error in
//! bounded time, and the service and other surfaces unaffected.

use std::time::{Duration, Instant};

use anyhow::Result;
use reqwest::{Method, StatusCode};
use serde_json::json;

use mcp_keys_e2e::Service;

use crate::{everything, rpc, upstream_state};

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

/// A real server that dies while it works: the call in flight is an error
/// at once (not at the time limit), the state says crashed with why, and
/// the next call after the backoff starts the server again.
#[tokio::test]
async fn a_server_killed_mid_call_is_an_error_at_once_and_is_restarted() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let pid_file = dir.path().join("upstream.pid");
    // `exec` keeps the shell's process id: the one written is the server's.
    let everything = mcp_keys_e2e::npm_bin()?.join("mcp-server-everything");
    let service =
        Service::start_with(&["--allow-upstream-commands", "--upstream-timeout", "60"]).await?;
    let surface = service
        .gateway_surface(
            &json!({"type": "stdio", "command": "sh", "args": ["-c",
                format!("echo $$ > '{}'; exec '{}' stdio",
                    pid_file.display(), everything.display())]}),
            &[],
        )
        .await?;
    let (key, _) = service.key(&surface, &json!({"name": "MCP - all"})).await?;
    let echo = json!({"name": "echo", "arguments": {"message": "hello"}});
    let (_, answer) = rpc(&surface.url, &key, "tools/call", echo.clone()).await?;
    assert!(answer["result"].is_object(), "{answer}");
    let first_pid = std::fs::read_to_string(&pid_file)?.trim().to_owned();

    // A 30 s operation, and the server killed one second into it.
    let long = json!({"name": "trigger-long-running-operation",
        "arguments": {"duration": 30, "steps": 30}});
    let started = Instant::now();
    let in_flight = tokio::spawn({
        let (url, key) = (surface.url.clone(), key.clone());
        async move { rpc(&url, &key, "tools/call", long).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &first_pid])
        .status()?;
    assert!(killed.success());
    let (status, answer) = in_flight.await??;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the call ends with the server, not at the time limit: {answer}"
    );
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer["error"]["message"].is_string(), "{answer}");

    let state = upstream_state(&service, &surface).await?;
    assert_eq!(state["state"], "crashed", "{state}");
    assert!(state["lastError"].is_string(), "{state}");

    // After the backoff, the next call starts a new server.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, answer) = rpc(&surface.url, &key, "tools/call", echo.clone()).await?;
        if answer["result"].is_object() {
            break;
        }
        assert!(Instant::now() < deadline, "never restarted: {answer}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let second_pid = std::fs::read_to_string(&pid_file)?.trim().to_owned();
    assert_ne!(first_pid, second_pid, "a new process");
    assert_eq!(
        upstream_state(&service, &surface).await?["state"],
        "running"
    );
    Ok(())
}
