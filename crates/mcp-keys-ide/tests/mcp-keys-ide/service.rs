//! Statuses and findings from a real key service (mcp-keys-server running
//! in-process on loopback): keys created, scoped and revoked through the
//! management API, configs scanned, fingerprints identified through
//! `POST /v1/keys/identify`. `lookup_from_service` is what the CLI and app
//! glue do with mcp-keys-client.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use mcp_keys_core::{ApiKey, Environment, Fingerprint};
use mcp_keys_ide::{
    ClientId, Collected, FindingCode, KeyStatus, KnownKey, SurfaceFacts, SurfaceStatus, collect,
    doctor,
};
use mcp_keys_server::testing::TestService;
use serde_json::{Value, json};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A [`TestService`] and its management API.
struct Service {
    base: String,
    token: String,
    client: reqwest::Client,
    _service: TestService,
}

impl Service {
    async fn start() -> Result<Self> {
        let service = TestService::start().await?;
        Ok(Self {
            base: service.url().to_owned(),
            token: service.token().to_owned(),
            client: reqwest::Client::new(),
            _service: service,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status}").into());
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// A product and a surface in `environment` with tools search and fetch;
    /// the surface's path.
    async fn surface(&self, environment: &str) -> Result<String> {
        let product = self.post("/v1/products", json!({"name": "Docs"})).await?;
        let product = product["id"].as_str().ok_or("product id")?;
        let surface = self
            .post(
                &format!("/v1/products/{product}/surfaces"),
                json!({"name": "Docs MCP", "type": "mcp", "environment": environment}),
            )
            .await?;
        let path = format!(
            "/v1/products/{product}/surfaces/{}",
            surface["id"].as_str().ok_or("surface id")?
        );
        for capability in ["search", "fetch"] {
            self.post(
                &format!("{path}/items"),
                json!({"capabilityName": capability}),
            )
            .await?;
        }
        Ok(path)
    }

    async fn key(&self, surface: &str, body: Value) -> Result<String> {
        let created = self.post(&format!("{surface}/keys"), body).await?;
        Ok(created["key"].as_str().ok_or("key")?.to_owned())
    }
}

fn time(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Asks the service about every fingerprint `collected` found, and about
/// the surfaces of the keys it knows.
async fn lookup_from_service(
    service: &Service,
    collected: &Collected,
) -> Result<HashMap<Fingerprint, KnownKey>> {
    let fingerprints: Vec<String> = collected
        .fingerprints()
        .iter()
        .map(ToString::to_string)
        .collect();
    let identified = service
        .post("/v1/keys/identify", json!({"fingerprints": fingerprints}))
        .await?;
    let mut lookup = HashMap::new();
    for entry in identified["data"].as_array().ok_or("data")? {
        let key = &entry["key"];
        if key.is_null() {
            continue;
        }
        let (product, surface_id) = (
            key["productId"].as_str().ok_or("productId")?,
            key["surfaceId"].as_str().ok_or("surfaceId")?,
        );
        let surface = service
            .call(
                reqwest::Method::GET,
                &format!("/v1/products/{product}/surfaces/{surface_id}"),
                None,
            )
            .await?;
        let facts = SurfaceFacts {
            status: serde_json::from_value::<SurfaceStatus>(surface["status"].clone())?,
            environment: serde_json::from_value::<Environment>(surface["environment"].clone())?,
            url: surface["url"].as_str().map(str::to_owned),
            keys_accepted: surface["authMode"] != "oauth",
            oauth_advertised: surface["authMode"] == "oauth" || surface["authMode"] == "both",
            capabilities: surface["items"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item["capabilityName"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        };
        let known = KnownKey {
            key_id: key["id"].as_str().ok_or("id")?.to_owned(),
            name: key["name"].as_str().map(str::to_owned),
            surface_id: surface_id.to_owned(),
            product_id: product.to_owned(),
            environment: serde_json::from_value(key["environment"].clone())?,
            scopes: serde_json::from_value(key["scopes"].clone())?,
            is_active: key["isActive"].as_bool().unwrap_or(false),
            revoked_at: time(&key["revokedAt"]),
            revoked_by: None,
            expires_at: time(&key["expiresAt"]),
            surface: Some(facts),
        };
        lookup.insert(
            entry["fingerprint"]
                .as_str()
                .ok_or("fingerprint")?
                .parse()?,
            known,
        );
    }
    Ok(lookup)
}

fn write_config(home: &Path, rel: &str, servers: &str, url: &str, key: &str) -> Result {
    let path = home.join(rel);
    fs::create_dir_all(path.parent().ok_or("parent")?)?;
    fs::write(
        path,
        format!(
            "{{\"{servers}\": {{\"docs\": {{\"url\": \"{url}\", \"headers\": {{\"Authorization\": \"Bearer {key}\"}}}}}}}}"
        ),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_and_findings_come_from_a_real_key_service() -> Result {
    let dir = tempfile::tempdir()?;
    let service = Service::start().await?;
    let dev = service.surface("development").await?;
    let prod = service.surface("production").await?;
    let active = service.key(&dev, json!({"name": "cursor"})).await?;
    let revoked = service.key(&dev, json!({"name": "claude"})).await?;
    let scoped = service
        .key(&dev, json!({"name": "zed", "scopes": ["search"]}))
        .await?;
    let inactive = service.key(&prod, json!({"name": "windsurf"})).await?;
    let stranger = ApiKey::generate(Environment::Development)?;
    let revoked_id = ApiKey::parse(&revoked)?.id().to_owned();
    service
        .call(
            reqwest::Method::DELETE,
            &format!("{dev}/keys/{revoked_id}"),
            None,
        )
        .await?;
    service
        .call(
            reqwest::Method::PUT,
            &prod,
            Some(json!({"status": "inactive"})),
        )
        .await?;

    let home = dir.path().join("home");
    let url = format!("{}{dev}/mcp", service.base);
    write_config(&home, ".cursor/mcp.json", "mcpServers", &url, &active)?;
    write_config(&home, ".claude.json", "mcpServers", &url, &revoked)?;
    write_config(
        &home,
        ".config/zed/settings.json",
        "context_servers",
        &url,
        &scoped,
    )?;
    write_config(
        &home,
        ".codeium/windsurf/mcp_config.json",
        "mcpServers",
        &url,
        &inactive,
    )?;
    write_config(
        &home,
        ".gemini/settings.json",
        "mcpServers",
        &url,
        stranger.expose_secret(),
    )?;

    let mut options = mcp_keys_ide::DiscoverOptions::new(&home);
    options.os = mcp_keys_ide::Os::Linux;
    options.env = HashMap::new();
    let collected = collect(&options);
    let lookup = lookup_from_service(&service, &collected).await?;
    let now = Utc::now();

    let mut statuses: Vec<(ClientId, KeyStatus, bool)> = collected
        .entries(&lookup, now)
        .into_iter()
        .map(|entry| (entry.client, entry.status, entry.key_id.is_some()))
        .collect();
    statuses.sort_by_key(|(client, ..)| *client);
    assert_eq!(
        statuses,
        [
            (ClientId::ClaudeCode, KeyStatus::Revoked, true),
            (ClientId::Cursor, KeyStatus::Active, true),
            (ClientId::Windsurf, KeyStatus::Active, true),
            (ClientId::Zed, KeyStatus::Active, true),
            (ClientId::GeminiCli, KeyStatus::Unknown, false),
        ]
    );

    let report = doctor(&collected, &lookup, now);
    let codes = |client: ClientId| -> Vec<FindingCode> {
        report
            .findings
            .iter()
            .filter(|f| f.client == Some(client))
            .map(|f| f.code)
            .filter(|code| *code != FindingCode::ConfigWorldReadable)
            .collect()
    };
    assert_eq!(codes(ClientId::ClaudeCode), [FindingCode::RevokedKeyInUse]);
    assert_eq!(codes(ClientId::Windsurf), [FindingCode::SurfaceInactive]);
    assert_eq!(codes(ClientId::Zed), [FindingCode::ScopeMismatch]);
    assert_eq!(codes(ClientId::Cursor), Vec::<FindingCode>::new());
    Ok(())
}
