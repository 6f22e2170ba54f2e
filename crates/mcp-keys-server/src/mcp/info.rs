//! Public descriptions of a surface's MCP endpoint: `.../mcp/info` and
//! `.../mcp/.well-known/mcp.json`. Tools are listed only to a caller whose
//! key would be accepted.

use axum::extract::{Request, State};
use axum::http::request::Parts;
use serde_json::{Value, json};

use crate::api::Surface;
use crate::bearer::{Bearer, bearer};
use crate::client_address::client_address;
use crate::extract::Path;
use crate::verify::{self, Attempt};
use crate::{AppState, Error, time};

/// How to connect: transport, URL, authentication.
pub async fn info(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
) -> Result<axum::Json<Value>, Error> {
    let surface = surface(&state, &product_id, &surface_id).await?;
    Ok(axum::Json(json!({
        "productId": surface.product_id,
        "surfaceId": surface.id,
        "name": surface.name,
        "status": surface.status,
        "environment": surface.environment,
        "url": surface.url,
        "transport": "streamable-http",
        "authentication": authentication(&surface),
    })))
}

/// A server card; `tools` only for an authenticated caller.
pub async fn well_known(
    State(state): State<AppState>,
    Path((product_id, surface_id)): Path<(String, String)>,
    request: Request,
) -> Result<axum::Json<Value>, Error> {
    let (parts, _body) = request.into_parts();
    let surface = surface(&state, &product_id, &surface_id).await?;
    let mut card = json!({
        "name": surface.name,
        "version": env!("CARGO_PKG_VERSION"),
        "url": surface.url,
        "transport": "streamable-http",
        "authentication": authentication(&surface),
    });
    if let Some(scopes) = accepted_scopes(&state, &surface, &parts).await? {
        let tools: Vec<Value> = surface
            .items
            .iter()
            .filter(|item| verify::allows(&scopes, &item.capability_name))
            .map(|item| json!({"name": item.capability_name}))
            .collect();
        card["tools"] = Value::Array(tools);
    }
    Ok(axum::Json(card))
}

async fn surface(state: &AppState, product_id: &str, surface_id: &str) -> Result<Surface, Error> {
    state
        .db
        .surface(product_id, surface_id, &state.config.base_url)
        .await?
        .ok_or(Error::NotFound("surface"))
}

fn authentication(surface: &Surface) -> Value {
    json!({
        "type": "bearer",
        "header": "Authorization",
        "keyPrefix": format!("mcp_{}_", surface.environment.key_part()),
    })
}

/// The scopes of the presented key if it would be accepted on `surface`.
/// A refused key counts as a failed attempt of its address, as on the MCP
/// endpoint, so this is no way around the limit on guesses.
async fn accepted_scopes(
    state: &AppState,
    surface: &Surface,
    request: &Parts,
) -> Result<Option<Vec<String>>, Error> {
    let Bearer::Credential(presented) = bearer(&request.headers) else {
        return Ok(None);
    };
    let address = client_address(&request.extensions);
    if state.limits.check_address(address).is_err() {
        return Ok(None);
    }
    let attempt = Attempt {
        presented: Some(presented),
        surface_id: Some(&surface.id),
        capability: None,
        consent: false,
    };
    match verify::verify(&state.db, attempt, time::now()).await? {
        Ok(key) => Ok(Some(key.scopes)),
        Err(_) => {
            // Over the limit, the address is blocked; nothing else to say here.
            let _blocked = state.limits.record_failure(address);
            Ok(None)
        }
    }
}
