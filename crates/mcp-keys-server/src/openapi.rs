//! `GET /v1/openapi.json`: the OpenAPI 3.1 document of the service.
//!
//! The document is `openapi.json` beside this file, maintained by hand with
//! the routes and served as it is. The tests below keep the two honest: every
//! path the routers register is in the document, every operation of the
//! document is served, and no other method is.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the document is served. Public: it holds no data.
pub const PATH: &str = "/v1/openapi.json";

/// The document, checked to be JSON by the tests.
const DOCUMENT: &str = include_str!("openapi.json");

/// The document as `application/json`.
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use anyhow::{Context, Result, bail};
    use reqwest::{Method, StatusCode};
    use serde_json::{Value, json};

    use super::DOCUMENT;
    use crate::{AppState, Config, Db, init_token_file, serve};

    /// The methods a route could be registered with.
    const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

    fn document() -> Result<Value> {
        serde_json::from_str(DOCUMENT).context("openapi.json is not JSON")
    }

    /// A path with its parameters unnamed (`/v1/keys/{}`): the routers
    /// name them in snake_case, the document in camelCase.
    fn shape(path: &str) -> String {
        let mut shaped = String::new();
        let mut in_parameter = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_parameter = true;
                    shaped.push_str("{}");
                }
                '}' => in_parameter = false,
                _ if in_parameter => {}
                c => shaped.push(c),
            }
        }
        shaped
    }

    /// The paths the routers register, read from their source: every
    /// string literal that starts with `/` in the code (not the comments or
    /// tests) of `lib.rs`, `mcp.rs`, `oauth.rs`, this file and `routes/`, with
    /// `{MCP_PATH}` expanded. A route added anywhere else would be missed,
    /// so routers stay in those files.
    fn registered_paths() -> Result<BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![
            src.join("lib.rs"),
            src.join("mcp.rs"),
            src.join("oauth.rs"),
            src.join("openapi.rs"),
        ];
        for entry in std::fs::read_dir(src.join("routes"))? {
            files.push(entry?.path());
        }
        let mut literals = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                // Between the 1st and 2nd quote, the 3rd and 4th, ...
                literals.extend(line.split('"').skip(1).step_by(2).map(str::to_owned));
            }
        }
        let mcp_path = literals
            .iter()
            .find(|literal| literal.starts_with("/v1/") && literal.ends_with("/mcp"))
            .context("MCP_PATH not found in mcp.rs")?
            .clone();
        Ok(literals
            .iter()
            .map(|literal| literal.replace("{MCP_PATH}", &mcp_path))
            .filter(|literal| literal.starts_with('/'))
            .map(|path| shape(&path))
            .collect())
    }

    fn documented_paths() -> Result<BTreeSet<String>> {
        Ok(document()?["paths"]
            .as_object()
            .context("no paths")?
            .keys()
            .map(|path| shape(path))
            .collect())
    }

    #[test]
    fn the_document_is_openapi_3_1_with_an_operation_id_on_every_operation() -> Result<()> {
        let document = document()?;
        assert_eq!(document["openapi"], "3.1.0");
        for (path, item) in document["paths"].as_object().context("no paths")? {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    assert!(
                        operation["operationId"].is_string(),
                        "{method} {path} has no operationId"
                    );
                }
            }
        }
        Ok(())
    }

    #[test]
    fn every_registered_path_is_documented_and_every_documented_path_is_registered() -> Result<()> {
        let registered = registered_paths()?;
        let documented = documented_paths()?;
        assert!(
            registered.len() > 10,
            "the source scan found the routes: {registered:?}"
        );
        let undocumented: Vec<_> = registered.difference(&documented).collect();
        let unregistered: Vec<_> = documented.difference(&registered).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from openapi.json: {undocumented:?}"
        );
        assert!(
            unregistered.is_empty(),
            "openapi.json paths with no route: {unregistered:?}"
        );
        Ok(())
    }

    /// Ids that exist, so every path of the document can be requested.
    struct Fixture {
        base: String,
        token: String,
        product: String,
        surface: String,
        key: String,
        victim_key_id: String,
    }

    async fn created(request: reqwest::RequestBuilder) -> Result<Value> {
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if status != StatusCode::CREATED {
            bail!("expected 201, got {status}: {body}");
        }
        Ok(body)
    }

    async fn fixture(http: &reqwest::Client, base: String, token: String) -> Result<Fixture> {
        let post = |path: String, body: Value| {
            http.post(format!("{base}{path}"))
                .bearer_auth(&token)
                .json(&body)
        };
        let product = created(post("/v1/products".into(), json!({"name": "P"}))).await?;
        let product = product["id"].as_str().context("product id")?.to_owned();
        let surface = created(post(
            format!("/v1/products/{product}/surfaces"),
            json!({"name": "S", "type": "mcp"}),
        ))
        .await?;
        let surface = surface["id"].as_str().context("surface id")?.to_owned();
        let keys = format!("/v1/products/{product}/surfaces/{surface}/keys");
        let key = created(post(keys.clone(), json!({"name": "k"}))).await?;
        let victim = created(post(keys, json!({"name": "victim"}))).await?;
        Ok(Fixture {
            key: key["key"].as_str().context("key")?.to_owned(),
            victim_key_id: victim["id"].as_str().context("key id")?.to_owned(),
            base,
            token,
            product,
            surface,
        })
    }

    #[tokio::test]
    async fn every_documented_operation_is_served_and_no_other_method_is() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("keys.db").display()
        ))
        .await?;
        let token_file = dir.path().join("token");
        init_token_file(&db, &token_file).await?;
        let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = AppState::new(db, Config::new(base.clone()));
        tokio::spawn(serve(listener, state, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::new();
        let fixture = fixture(&http, base, token).await?;
        let not_a_route = http
            .get(format!("{}/no/such/route", fixture.base))
            .send()
            .await?
            .text()
            .await?;

        for (path, item) in document()?["paths"].as_object().context("no paths")? {
            let url = path
                .replace("{productId}", &fixture.product)
                .replace("{surfaceId}", &fixture.surface)
                .replace("{keyId}", &fixture.victim_key_id);
            // Each path with the credential it takes, so an answer comes
            // from the handler rather than from authentication.
            let credential = if path.ends_with("/mcp") {
                &fixture.key
            } else {
                &fixture.token
            };
            for method in METHODS {
                let response = http
                    .request(
                        Method::from_bytes(method.to_uppercase().as_bytes())?,
                        format!("{}{url}", fixture.base),
                    )
                    .bearer_auth(credential)
                    .header("Accept", "application/json, text/event-stream")
                    .json(&json!({}))
                    .send()
                    .await?;
                let status = response.status();
                let body = response.text().await?;
                if item.get(method).is_some() {
                    assert!(
                        status != StatusCode::METHOD_NOT_ALLOWED && body != not_a_route,
                        "{method} {path} is documented but not served: {status} {body}"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::METHOD_NOT_ALLOWED,
                        "{method} {path} is served but not documented: {body}"
                    );
                }
            }
        }
        let _ = stop.send(());
        Ok(())
    }
}
