//! Client sessions through the gateway: the server's own requests to the
//! client (sampling, elicitation, roots), its progress, log messages and
//! resource changes reach real clients, the Python and TypeScript SDKs,
//! over their sessions; a session belongs to the key that opened it and ends with its
//! revocation; many sessions run at once.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mcp_keys_e2e::{PROTOCOL_VERSION, PythonClient, Service, mcp_post, npm_bin};

use super::everything;

/// How long a notification may take to arrive.
const HEARD_WITHIN: Duration = Duration::from_secs(15);

fn call(name: &str, arguments: Value) -> Value {
    json!({"op": "call", "name": name, "arguments": arguments})
}

/// The text of a tool result the client reported.
fn text_of(answer: &Value) -> String {
    answer["content"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|block| block["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the client heard from the server on its own, waiting until
/// `wanted` is among it.
async fn heard_until(
    client: &mut PythonClient,
    wanted: impl Fn(&Value) -> bool,
) -> Result<Vec<Value>> {
    let deadline = Instant::now() + HEARD_WITHIN;
    let mut heard = Vec::new();
    loop {
        let answer = client.send(&json!({"op": "heard"})).await?;
        heard.extend(answer["heard"].as_array().cloned().unwrap_or_default());
        if heard.iter().any(&wanted) {
            return Ok(heard);
        }
        if Instant::now() > deadline {
            bail!("not heard within {HEARD_WITHIN:?}: {heard:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_servers_requests_and_notifications_reach_the_client_of_the_session() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - Python"}))
        .await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");
    assert_eq!(
        initialized["server"], "mcp-servers/everything",
        "{initialized}"
    );

    // The server offers the tools that need a client able to sample,
    // elicit and list roots: it was told what this client can do.
    let tools = client.send(&json!({"op": "list"})).await?;
    for needed in [
        "trigger-sampling-request",
        "trigger-elicitation-request",
        "get-roots-list",
    ] {
        assert!(
            tools["tools"]
                .as_array()
                .is_some_and(|tools| tools.contains(&json!(needed))),
            "{needed} missing: {tools}"
        );
    }

    // Sampling: the server asks the client, the client's answer reaches the
    // server, which puts it in its result.
    let sampled = client
        .send(&call(
            "trigger-sampling-request",
            json!({"prompt": "the gateway relays", "maxTokens": 20}),
        ))
        .await?;
    assert_eq!(sampled["ok"], true, "{sampled}");
    let text = text_of(&sampled);
    assert!(
        text.contains("sampled:") && text.contains("the gateway relays"),
        "{text}"
    );

    // Elicitation: the same, with the client's accepted content.
    let elicited = client
        .send(&call("trigger-elicitation-request", json!({})))
        .await?;
    assert_eq!(elicited["ok"], true, "{elicited}");
    assert!(text_of(&elicited).contains("Ada"), "{elicited}");

    // Roots: the server asks for them, and again when the client says
    // they changed.
    let roots = client.send(&call("get-roots-list", json!({}))).await?;
    assert!(text_of(&roots).contains("first-root"), "{roots}");
    client.send(&json!({"op": "roots_changed"})).await?;
    let deadline = Instant::now() + HEARD_WITHIN;
    loop {
        let roots = client.send(&call("get-roots-list", json!({}))).await?;
        if text_of(&roots).contains("second-root") {
            break;
        }
        if Instant::now() > deadline {
            bail!("the server never saw the changed roots: {roots}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let heard = client.send(&json!({"op": "heard"})).await?;
    let requests: Vec<&str> = heard["heard"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|event| event["request"].as_str())
        .collect();
    for request in ["sampling/createMessage", "elicitation/create", "roots/list"] {
        assert!(requests.contains(&request), "{request} not asked: {heard}");
    }

    // Progress of a long call, under the client's own token.
    let long = client
        .send(
            &json!({"op": "call", "name": "trigger-long-running-operation",
            "arguments": {"duration": 1, "steps": 3}, "progress": true}),
        )
        .await?;
    assert_eq!(long["ok"], true, "{long}");
    // rmcp hands each notification of the upstream to its own task, so the
    // last one may lose the race with the answer (a client ignores progress
    // after the answer anyway): what arrives is in order and within [1, 3].
    let progress: Vec<f64> = long["progress"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    assert!(
        !progress.is_empty(),
        "no progress reached the client: {long}"
    );
    assert!(
        progress.windows(2).all(|pair| pair[0] < pair[1])
            && progress.iter().all(|value| (1.0..=3.0).contains(value)),
        "{long}"
    );

    // Log messages at the level the client set, and the changes of a
    // resource it subscribed to.
    client
        .send(&json!({"op": "set_level", "level": "debug"}))
        .await?;
    let resources = client.send(&json!({"op": "resources"})).await?;
    let uri = resources["resources"][0]
        .as_str()
        .context("server-everything lists resources")?
        .to_owned();
    let subscribed = client.send(&json!({"op": "subscribe", "uri": uri})).await?;
    assert_eq!(subscribed["ok"], true, "{subscribed}");
    heard_until(&mut client, |event| {
        event["notification"] == "notifications/message"
    })
    .await?;
    client
        .send(&call("toggle-subscriber-updates", json!({})))
        .await?;
    let heard = heard_until(&mut client, |event| {
        event["notification"] == "notifications/resources/updated"
    })
    .await?;
    assert!(
        heard
            .iter()
            .filter(|event| event["notification"] == "notifications/resources/updated")
            .all(|event| event["uri"] == uri.as_str()),
        "{heard:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_shared_upstream_is_told_its_client_can_take_no_requests() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let mut upstream = everything()?;
    upstream["sessions"] = json!("shared");
    let surface = service.gateway_surface(&upstream, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - shared"}))
        .await?;
    let (mut client, initialized) = PythonClient::connect(&surface.url, &key).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");
    let tools = client.send(&json!({"op": "list"})).await?;
    let names = tools["tools"].as_array().context("tools")?;
    assert!(names.contains(&json!("echo")), "{tools}");
    assert!(
        !names.contains(&json!("trigger-sampling-request")),
        "{tools}"
    );
    let echoed = client
        .send(&call("echo", json!({"message": "one for all"})))
        .await?;
    assert!(text_of(&echoed).contains("one for all"), "{echoed}");
    Ok(())
}

/// A POST in a session: the status, the session it named or opened, and
/// the JSON-RPC answer (from a JSON body or the SSE stream).
async fn post(
    url: &str,
    key: &str,
    session: Option<&str>,
    message: &Value,
) -> Result<(StatusCode, Option<String>, Option<Value>)> {
    let answer = mcp_post(url, key, session, message).await?;
    Ok((answer.status, answer.session, answer.body))
}

/// Opens a session with `key`: its id.
async fn open_session(url: &str, key: &str, client: &str) -> Result<String> {
    let (status, session, answer) = post(
        url,
        key,
        None,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
            "clientInfo": {"name": client, "version": "1"}}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    let session = session.context("initialize opened no session")?;
    let (status, _, _) = post(
        url,
        key,
        Some(&session),
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await?;
    assert_eq!(status, StatusCode::ACCEPTED);
    Ok(session)
}

#[tokio::test]
async fn a_session_belongs_to_its_key_and_ends_when_the_key_is_revoked() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, key_id) = service
        .key(&surface, &json!({"name": "MCP - mine"}))
        .await?;
    let (other, _) = service
        .key(&surface, &json!({"name": "MCP - other"}))
        .await?;
    let session = open_session(&surface.url, &key, "e2e").await?;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});

    // Another valid key of the same surface cannot use the session.
    let (status, _, _) = post(&surface.url, &other, Some(&session), &list).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, answer) = post(&surface.url, &key, Some(&session), &list).await?;
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    assert!(answer.is_some_and(|answer| answer["result"]["tools"].is_array()));

    // The session's stream for the server's messages is open …
    let stream = reqwest::Client::new()
        .get(&surface.url)
        .bearer_auth(&key)
        .header("Accept", "text/event-stream")
        .header("Mcp-Session-Id", &session)
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .send()
        .await?;
    assert_eq!(stream.status(), StatusCode::OK);

    // … and a revocation ends it, and the session with it.
    service
        .expect(
            StatusCode::OK,
            Method::DELETE,
            &format!("{}/keys/{key_id}", surface.path),
            None,
        )
        .await?;
    tokio::time::timeout(Duration::from_secs(5), stream.text())
        .await
        .context("the session's stream stayed open after the revocation")??;
    let (status, _, _) = post(&surface.url, &key, Some(&session), &list).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn fifty_sessions_at_once_each_get_their_own_answers() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    // Each session has its own server process (`sessions: separate`).
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - many"}))
        .await?;
    let mut sessions = tokio::task::JoinSet::new();
    for n in 0..50 {
        let url = surface.url.clone();
        let key = key.clone();
        sessions.spawn(async move {
            let session = open_session(&url, &key, &format!("client-{n}")).await?;
            for call in 0..3 {
                let message = format!("session {n} call {call}");
                let (status, _, answer) = post(
                    &url,
                    &key,
                    Some(&session),
                    &json!({"jsonrpc": "2.0", "id": 10 + call, "method": "tools/call",
                        "params": {"name": "echo", "arguments": {"message": message}}}),
                )
                .await?;
                let answer = answer.context("no answer")?;
                anyhow::ensure!(status == StatusCode::OK, "{status}: {answer}");
                anyhow::ensure!(answer.to_string().contains(&message), "{answer}");
            }
            anyhow::Ok(session)
        });
    }
    let mut ids = Vec::new();
    while let Some(session) = sessions.join_next().await {
        ids.push(session??);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 50, "every session has its own id");
    Ok(())
}

#[tokio::test]
async fn the_typescript_sdk_samples_through_its_session() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - TypeScript"}))
        .await?;
    let modules = npm_bin()?.parent().context("node_modules")?.to_owned();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gateway/ts_client.mjs");
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new("node")
            .arg(script)
            .arg(&surface.url)
            // In the environment, not the arguments: `ps` shows arguments.
            .env("MCP_KEYS_TEST_KEY", &key)
            .env("MCP_KEYS_TEST_NODE_MODULES", modules)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .context("the TypeScript client did not finish")??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let answer: Value = serde_json::from_str(stdout.trim()).with_context(|| {
        format!(
            "ts_client.mjs printed {stdout}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    assert!(output.status.success(), "{answer}");
    assert_eq!(answer["server"], "mcp-servers/everything", "{answer}");
    assert!(
        answer["echo"]
            .as_str()
            .is_some_and(|echo| echo.contains("from typescript")),
        "{answer}"
    );
    assert!(
        answer["sampled"]
            .as_str()
            .is_some_and(|text| text.contains("sampled by ts:") && text.contains("typescript asks")),
        "{answer}"
    );
    assert_eq!(answer["samplingRequests"], 1, "{answer}");
    Ok(())
}

#[tokio::test]
async fn a_client_cannot_widen_a_shared_folder_with_its_roots() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let base = std::fs::canonicalize(dir.path())?;
    let notes = base.join("notes");
    let secret = base.join("secret");
    std::fs::create_dir_all(&notes)?;
    std::fs::create_dir_all(&secret)?;
    std::fs::write(notes.join("todo.md"), "buy milk\n")?;
    std::fs::write(secret.join("key.txt"), "not for clients\n")?;
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    // Separate sessions, on purpose: the client's other capabilities pass.
    let surface = service
        .gateway_surface(&super::filesystem(&notes)?, &[])
        .await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - roots"}))
        .await?;
    let secret_root = format!("file://{}", secret.display());
    let (mut client, initialized) =
        PythonClient::connect_with_roots(&surface.url, &key, &[&secret_root]).await?;
    assert_eq!(initialized["ok"], true, "{initialized}");

    let read = |path: std::path::PathBuf| call("read_text_file", json!({"path": path}));
    let todo = client.send(&read(notes.join("todo.md"))).await?;
    assert!(text_of(&todo).contains("buy milk"), "{todo}");
    let stolen = client.send(&read(secret.join("key.txt"))).await?;
    assert!(!text_of(&stolen).contains("not for clients"), "{stolen}");
    let allowed = client
        .send(&call("list_allowed_directories", json!({})))
        .await?;
    let allowed = text_of(&allowed);
    assert!(
        allowed.contains("notes") && !allowed.contains("secret"),
        "{allowed}"
    );
    let heard = client.send(&json!({"op": "heard"})).await?;
    assert!(!heard.to_string().contains("roots/list"), "{heard}");
    Ok(())
}

/// A client of the newest revision (2026-07-28) sends no `initialize`:
/// each request carries its revision and capabilities, and stands alone.
/// Its results carry the `resultType` that revision requires, which an
/// upstream of an older one leaves out, and the server's questions reach it
/// as `input_required` results (SEP-2322).
#[tokio::test]
async fn a_client_without_a_handshake_lists_and_calls_through_the_gateway() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - modern"}))
        .await?;
    let (mut client, adopted) = PythonClient::connect_at(&surface.url, &key, "2026-07-28").await?;
    assert_eq!(adopted["ok"], true, "{adopted}");
    assert_eq!(adopted["protocol"], "2026-07-28", "{adopted}");
    let tools = client.send(&json!({"op": "list"})).await?;
    assert!(
        tools["tools"]
            .as_array()
            .is_some_and(|tools| tools.contains(&json!("echo"))),
        "{tools}"
    );
    let echoed = client
        .send(&call("echo", json!({"message": "no handshake"})))
        .await?;
    assert_eq!(echoed["ok"], true, "{echoed}");
    assert!(text_of(&echoed).contains("no handshake"), "{echoed}");
    let read = client
        .send(&json!({"op": "read", "uri": "demo://resource/static/document/features.md"}))
        .await?;
    assert_eq!(read["ok"], true, "{read}");
    assert!(read["contents"][0]["text"].is_string(), "{read}");

    // The server's questions: the client said it can sample and elicit,
    // so its calls get a connection of their own, whose server offers the
    // tools that ask; each question comes back as `input_required`, the SDK
    // answers and calls again, and the server puts the answer in its result.
    for needed in ["trigger-sampling-request", "trigger-elicitation-request"] {
        assert!(
            tools["tools"]
                .as_array()
                .is_some_and(|tools| tools.contains(&json!(needed))),
            "{needed} missing: {tools}"
        );
    }
    let sampled = client
        .send(&call(
            "trigger-sampling-request",
            json!({"prompt": "asked in rounds", "maxTokens": 20}),
        ))
        .await?;
    assert_eq!(sampled["ok"], true, "{sampled}");
    let text = text_of(&sampled);
    assert!(
        text.contains("sampled:") && text.contains("asked in rounds"),
        "{text}"
    );
    let elicited = client
        .send(&call("trigger-elicitation-request", json!({})))
        .await?;
    assert_eq!(elicited["ok"], true, "{elicited}");
    assert!(text_of(&elicited).contains("Ada"), "{elicited}");
    let heard = client.send(&json!({"op": "heard"})).await?;
    assert_eq!(
        heard["heard"][0]["request"], "sampling/createMessage",
        "{heard}"
    );
    Ok(())
}

/// A call of 2026-07-28 on the wire: the question comes back with a
/// handle, only the key that made the call can answer it, and the answer
/// reaches the server.
#[tokio::test]
async fn a_question_of_the_server_is_answered_only_by_the_key_that_was_asked() -> Result<()> {
    let service = Service::start_with(&["--allow-upstream-commands"]).await?;
    let surface = service.gateway_surface(&everything()?, &[]).await?;
    let (key, _) = service
        .key(&surface, &json!({"name": "MCP - asked"}))
        .await?;
    let (other, _) = service
        .key(&surface, &json!({"name": "MCP - other"}))
        .await?;
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"sampling": {}},
    });
    let call = |key: &str, params: Value| {
        let request = reqwest::Client::new()
            .post(&surface.url)
            .bearer_auth(key)
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2026-07-28")
            // The routing headers that revision requires.
            .header("Mcp-Method", "tools/call")
            .header("Mcp-Name", "trigger-sampling-request")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}));
        async move {
            let text = request.send().await?.text().await?;
            mcp_keys_e2e::jsonrpc_answer(&text).with_context(|| format!("not JSON: {text}"))
        }
    };
    let asked = call(
        &key,
        json!({"name": "trigger-sampling-request", "_meta": meta,
            "arguments": {"prompt": "who asks", "maxTokens": 5}}),
    )
    .await?;
    let result = &asked["result"];
    assert_eq!(result["resultType"], "input_required", "{asked}");
    let (question, request) = result["inputRequests"]
        .as_object()
        .and_then(|requests| requests.iter().next())
        .context("no question")?;
    assert_eq!(request["method"], "sampling/createMessage", "{asked}");
    let handle = result["requestState"].as_str().context("no handle")?;
    let answer = json!({question: {"role": "assistant", "model": "test",
        "content": {"type": "text", "text": "answered by the right key"}}});
    let retry = |answer: &Value| {
        json!({"name": "trigger-sampling-request", "_meta": meta,
            "arguments": {"prompt": "who asks", "maxTokens": 5},
            "requestState": handle, "inputResponses": answer})
    };

    // Another key of the same surface cannot answer in its place.
    let stolen = call(&other, retry(&answer)).await?;
    assert!(
        stolen["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("not waiting here")),
        "{stolen}"
    );
    let answered = call(&key, retry(&answer)).await?;
    assert_eq!(answered["result"]["resultType"], "complete", "{answered}");
    assert!(
        answered.to_string().contains("answered by the right key"),
        "{answered}"
    );
    // Answered once: the handle is spent.
    let again = call(&key, retry(&answer)).await?;
    assert!(again["error"].is_object(), "{again}");
    Ok(())
}
