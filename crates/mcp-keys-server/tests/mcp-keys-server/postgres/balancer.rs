//! Several instances behind a real load balancer (HAProxy, Debian package
//! `haproxy`), as a deployment runs them: a revocation made on one instance
//! is refused through the balancer within a second, whichever instance
//! answers, and clients carry on when an instance stops, in a session too
//! (another instance takes it over from the database).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{cluster, second_instance};
use crate::gateway::Vault;
use crate::support::{PROTOCOL_VERSION, Server, Surface, mcp_post, rpc};

/// HAProxy, stopped when dropped.
struct Balancer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the Debian package puts HAProxy.
fn haproxy() -> Result<&'static str> {
    ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
        .into_iter()
        .find(|path| std::path::Path::new(path).is_file())
        .context(
            "HAProxy is not installed (Debian package haproxy; `cargo xtask test` installs it)",
        )
}

/// HAProxy in front of `servers`, round robin, checking each instance's
/// `/health` every 200 ms and sending a request that could not reach one to
/// another.
fn balance(servers: &[&Server]) -> Result<Balancer> {
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut config = format!(
        "global\n  maxconn 256\n\
         defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  timeout server 30s\n\
         \x20 timeout check 2s\n\
         \x20 retries 3\n  option redispatch 1\n  retry-on conn-failure empty-response\n\
         frontend keys\n  bind 127.0.0.1:{port}\n  default_backend instances\n\
         backend instances\n  balance roundrobin\n  option httpchk GET /health\n\
         \x20 default-server inter 200ms fall 1 rise 1\n"
    );
    for (index, server) in servers.iter().enumerate() {
        let address = server.base.trim_start_matches("http://");
        config.push_str(&format!("  server instance{index} {address} check\n"));
    }
    let path = dir.path().join("haproxy.cfg");
    std::fs::write(&path, config)?;
    let child = Command::new(haproxy()?)
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .context("starting HAProxy")?;
    let mut balancer = Balancer {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = balancer.child.try_wait()? {
            bail!("HAProxy exited ({status})");
        }
        if Instant::now() > deadline {
            bail!("HAProxy did not listen on {port}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Both instances seen healthy once.
    std::thread::sleep(Duration::from_millis(500));
    balancer.child.try_wait()?;
    Ok(balancer)
}

/// `tools/list` through the balancer with `key`: the status.
async fn through(balancer: &Balancer, surface: &Surface, key: &str) -> Result<StatusCode> {
    let response = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}{}/mcp",
            balancer.port,
            surface.path()
        ))
        .bearer_auth(key)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", PROTOCOL_VERSION)
        .json(&rpc("tools/list", json!({})))
        .send()
        .await?;
    let status = response.status();
    let _: Value = response.json().await.unwrap_or_default();
    Ok(status)
}

#[tokio::test]
async fn behind_haproxy_a_revocation_holds_on_every_instance_and_clients_outlive_an_instance()
-> Result<()> {
    let database = cluster::database().await?;
    let first = Server::start_on(tempfile::tempdir()?, &database.url, None, |_| {}).await?;
    let second = second_instance(&first, &database).await?;
    let balancer = balance(&[&first, &second])?;
    let surface = first.surface("production", &["search"]).await?;
    let (leaked, created) = first
        .key(&surface, &json!({"name": "MCP - leaked"}))
        .await?;
    let (kept, _) = first.key(&surface, &json!({"name": "MCP - kept"})).await?;

    // Every instance has verified the leaked key (it is in each one's cache).
    for _ in 0..6 {
        assert_eq!(through(&balancer, &surface, &leaked).await?, StatusCode::OK);
    }
    let (status, _) = second
        .delete(&format!(
            "{}/keys/{}",
            surface.path(),
            created["id"].as_str().unwrap_or_default()
        ))
        .await?;
    assert_eq!(status, StatusCode::OK);
    let revoked = Instant::now();
    // Refused by both instances (round robin: consecutive requests go to
    // each) within a second.
    let mut refused_in_a_row = 0;
    while refused_in_a_row < 4 {
        if through(&balancer, &surface, &leaked).await? == StatusCode::UNAUTHORIZED {
            refused_in_a_row += 1;
        } else {
            refused_in_a_row = 0;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(1),
            "an instance behind the balancer still accepts the key a second after it was revoked"
        );
    }

    // One instance stops: the balancer sends every request to the other, and
    // a client's next request works (the endpoint keeps no session to lose).
    drop(second);
    for _ in 0..10 {
        assert_eq!(through(&balancer, &surface, &kept).await?, StatusCode::OK);
    }
    Ok(())
}

#[tokio::test]
async fn behind_haproxy_a_session_carries_on_when_the_instance_that_opened_it_stops() -> Result<()>
{
    let database = cluster::database().await?;
    let vault = Arc::new(Vault::default());
    let secrets: Arc<dyn mcp_keys_server::UpstreamSecrets> = vault.clone();
    let first = Server::start_on(tempfile::tempdir()?, &database.url, None, |config| {
        config.upstream_secrets = Arc::clone(&secrets);
    })
    .await?;
    let second = Server::start_on(
        tempfile::tempdir()?,
        &database.url,
        Some(&first.token),
        |config| config.upstream_secrets = Arc::clone(&secrets),
    )
    .await?;
    // The upstream: a surface whose tools answer with their arguments,
    // reached at the first instance, which stays up.
    let upstream = first.surface("production", &["search"]).await?;
    let (upstream_key, _) = first
        .key(&upstream, &json!({"name": "MCP - gateway"}))
        .await?;
    vault.set("upstream-key", &format!("Bearer {upstream_key}"));
    let gateway = first.surface("production", &[]).await?;
    let (status, body) = first
        .put(
            &gateway.path(),
            &json!({"upstream": {"type": "http",
                "url": format!("{}{}/mcp", first.base, upstream.path()),
                "headers": {"Authorization": {"secretRef": "upstream-key"}}}}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (key, _) = first
        .key(&gateway, &json!({"name": "MCP - laptop"}))
        .await?;
    let (other, _) = first.key(&gateway, &json!({"name": "MCP - other"})).await?;

    // The session is opened on the second instance, directly.
    let (status, session, answer) = mcp_post(
        &format!("{}{}/mcp", second.base, gateway.path()),
        &key,
        None,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
            "clientInfo": {"name": "laptop", "version": "1"}}}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let session = session.context("initialize opened no session")?;

    // That instance stops; through the balancer, the other takes the session
    // over for its key (and for no other), and the calls go on.
    let balancer = balance(&[&first, &second])?;
    drop(second);
    let through = format!("http://127.0.0.1:{}{}/mcp", balancer.port, gateway.path());
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "search", "arguments": {"q": "after the failover"}}});
    let (status, _, _) = mcp_post(&through, &other, Some(&session), &call).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "another key's request");
    for _ in 0..4 {
        let (status, _, answer) = mcp_post(&through, &key, Some(&session), &call).await?;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(
            answer.to_string().contains("after the failover"),
            "{answer}"
        );
    }
    Ok(())
}
