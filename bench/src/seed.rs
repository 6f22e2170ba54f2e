//! What the benches need in a key service's database, created over the
//! management API like any client would. For the key service's bench: a
//! product, a surface with three capabilities and one key for the cache-hit
//! runs (the surface accepts OAuth access tokens too, `authMode` `both`, for
//! the token runs: oauth.rs obtains one), and many keys on many such surfaces for the cache-miss runs. For
//! the app's: one surface with many keys. For the bridge's: one surface,
//! its key created by the CLI. Keys stay in memory and in the plan files;
//! they are never printed.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use reqwest::Method;
use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::interrupt;
use super::service::Service;

/// The tools a key sees on the bench's surface.
pub const CAPABILITIES: [&str; 3] = ["search", "fetch", "summarize"];

/// Parallel requests while creating keys: writes queue on the database,
/// and a few in flight keep it busy.
const SEED_THREADS: usize = 8;

/// Keys per surface for the cache-miss runs. Creating a key reads its
/// surface with every key of it (routes/keys.rs `create`), so one surface
/// with tens of thousands of keys would make seeding quadratic.
const KEYS_PER_SURFACE: usize = 200;

/// A surface: `/v1/products/{p}/surfaces/{s}` and its id.
#[derive(Debug, Clone)]
pub struct Surface {
    /// The surface's path.
    pub path: String,
    /// Its id.
    pub id: String,
}

/// The seeded surfaces and keys.
#[derive(Debug)]
pub struct Seeded {
    /// The surface of the cache-hit runs.
    pub surface: Surface,
    /// The key of the cache-hit runs.
    pub hit_key: String,
    /// The keys of the cache-miss runs with their surfaces, each used once
    /// per pass.
    pub miss_keys: Vec<(Surface, String)>,
}

/// Creates a product, surfaces with their capabilities, and `miss_keys + 1`
/// keys.
pub fn seed(service: &Service, miss_keys: usize) -> Result<Seeded> {
    let api = Api::new(service)?;
    let post = |path: &str, body: Value| api.post(path, body);
    let product = api.product()?;
    let surface = |name: String| api.surface(&product, name);
    let hit_surface = surface("Bench MCP".to_owned())?;
    api.put(&hit_surface.path, json!({"authMode": "both"}))?;
    let hit_key = key(&post(
        &format!("{}/keys", hit_surface.path),
        json!({"name": "bench-hit"}),
    )?)?;

    eprintln!("creating {miss_keys} keys for the cache-miss runs");
    let surfaces = miss_keys.div_ceil(KEYS_PER_SURFACE);
    let miss_keys = std::thread::scope(|scope| -> Result<Vec<(Surface, String)>> {
        let workers: Vec<_> = (0..SEED_THREADS)
            .map(|worker| {
                let (post, surface) = (&post, &surface);
                scope.spawn(move || -> Result<Vec<(Surface, String)>> {
                    let mut keys = Vec::new();
                    for index in (worker..surfaces).step_by(SEED_THREADS) {
                        interrupt::check()?;
                        let owner = surface(format!("Bench miss {index}"))?;
                        let first = index * KEYS_PER_SURFACE;
                        for number in first..(first + KEYS_PER_SURFACE).min(miss_keys) {
                            let body = json!({"name": format!("bench-miss-{number}")});
                            let created = post(&format!("{}/keys", owner.path), body)?;
                            keys.push((owner.clone(), key(&created)?));
                        }
                    }
                    Ok(keys)
                })
            })
            .collect();
        let mut keys = Vec::with_capacity(miss_keys);
        for worker in workers {
            keys.extend(
                worker
                    .join()
                    .map_err(|_| anyhow!("a seeding thread panicked"))??,
            );
        }
        Ok(keys)
    })?;
    Ok(Seeded {
        surface: hit_surface,
        hit_key,
        miss_keys,
    })
}

/// Creates a product with one surface of the bench's capabilities and no
/// key; returns the surface.
pub fn surface(service: &Service) -> Result<Surface> {
    let api = Api::new(service)?;
    let product = api.product()?;
    api.surface(&product, "Bench MCP".to_owned())
}

/// Creates a product with one surface and `keys` keys on it, named
/// `Bench key N`; returns the surface.
pub fn one_surface(service: &Service, keys: usize) -> Result<Surface> {
    let api = Api::new(service)?;
    let surface = surface(service)?;
    eprintln!("creating {keys} keys on one surface");
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..SEED_THREADS)
            .map(|worker| {
                let (api, surface) = (&api, &surface);
                scope.spawn(move || -> Result<()> {
                    for number in (worker..keys).step_by(SEED_THREADS) {
                        interrupt::check()?;
                        let body = json!({"name": format!("Bench key {number}")});
                        // The answer holds the key; it is not kept.
                        api.post(&format!("{}/keys", surface.path), body)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow!("a seeding thread panicked"))??;
        }
        Ok(())
    })?;
    Ok(surface)
}

/// The management API of one service, with its first token.
struct Api<'a> {
    client: Client,
    service: &'a Service,
}

impl<'a> Api<'a> {
    fn new(service: &'a Service) -> Result<Self> {
        Ok(Self {
            client: Client::builder().timeout(Duration::from_secs(30)).build()?,
            service,
        })
    }

    /// POSTs `body` to `path`; the answer, which must be a success.
    fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.send(Method::POST, path, body)
    }

    /// PUTs `body` to `path`; the answer, which must be a success.
    fn put(&self, path: &str, body: Value) -> Result<Value> {
        self.send(Method::PUT, path, body)
    }

    fn send(&self, method: Method, path: &str, body: Value) -> Result<Value> {
        let what = format!("{method} {path}");
        let response = self
            .client
            .request(method, format!("{}{path}", self.service.base))
            .bearer_auth(&self.service.token)
            .json(&body)
            .send()
            .with_context(|| what.clone())?;
        let status = response.status();
        let answer: Value = response.json().with_context(|| what.clone())?;
        if !status.is_success() {
            bail!("{what} answered {status}: {answer}");
        }
        Ok(answer)
    }

    /// A product named Bench; its id.
    fn product(&self) -> Result<String> {
        id(&self.post("/v1/products", json!({"name": "Bench"}))?)
    }

    /// An MCP surface of `product` with the bench's capabilities.
    fn surface(&self, product: &str, name: String) -> Result<Surface> {
        let id = id(&self.post(
            &format!("/v1/products/{product}/surfaces"),
            json!({"name": name, "type": "mcp", "environment": "development"}),
        )?)?;
        let path = format!("/v1/products/{product}/surfaces/{id}");
        for capability in CAPABILITIES {
            self.post(
                &format!("{path}/items"),
                json!({"capabilityName": capability}),
            )?;
        }
        Ok(Surface { path, id })
    }
}

fn id(body: &Value) -> Result<String> {
    field(body, "id")
}

fn key(body: &Value) -> Result<String> {
    // Not `field`: its error would quote the body, which holds the key.
    body["key"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("a created key's answer has no `key`"))
}

fn field(body: &Value, name: &str) -> Result<String> {
    body[name]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no `{name}` in {body}"))
}
