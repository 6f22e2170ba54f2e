//! An OAuth access token for the key service's bench, obtained as a client
//! would (DESIGN §9), with plain HTTP and no browser: dynamic registration
//! of a public client, an authorization request with PKCE S256 for the
//! surface's MCP URL, its approval with the management token (as `mcp-keys
//! oauth approve` does), the redirect's code (not followed), and the code
//! exchanged for an access and a refresh token. Tokens stay in memory and
//! in the plan files; they are never printed.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::seed::Surface;
use super::service::Service;

/// Where the authorization server sends the code; never followed. A
/// loopback `http` URI, as a desktop client registers (RFC 8252).
const REDIRECT_URI: &str = "http://127.0.0.1/cb";

/// How long an access token lives (DESIGN §9: 15 minutes) when the token
/// endpoint's answer does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// An access token of one surface, with what renews it.
pub struct Token {
    /// `mcpo_at_…`. Never printed.
    pub access: String,
    refresh: String,
    client_id: String,
    /// When the access token stops working, with a margin for the clocks.
    expires: Instant,
    client: Client,
    base: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The tokens are left out: they are credentials.
        f.debug_struct("Token")
            .field("client_id", &self.client_id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Goes through the authorization code flow for `surface` (whose mode
    /// must include `oauth`) and returns its access token.
    pub fn obtain(service: &Service, surface: &Surface) -> Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(Policy::none())
            .build()?;
        let base = service.base.clone();

        let registered = answer(
            client
                .post(format!("{base}/oauth/register"))
                .json(&json!({
                    "client_name": "bench",
                    "redirect_uris": [REDIRECT_URI],
                    "token_endpoint_auth_method": "none",
                }))
                .send(),
            "POST /oauth/register",
        )?;
        let client_id = registered["client_id"]
            .as_str()
            .ok_or_else(|| anyhow!("POST /oauth/register answered no client_id: {registered}"))?
            .to_owned();

        let verifier = verifier()?;
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let resource = format!("{base}{}/mcp", surface.path);
        let authorize = Url::parse_with_params(
            &format!("{base}/oauth/authorize"),
            [
                ("response_type", "code"),
                ("client_id", &client_id),
                ("redirect_uri", REDIRECT_URI),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("resource", &resource),
            ],
        )?;
        let page = client
            .get(authorize)
            .send()
            .context("GET /oauth/authorize")?;
        let status = page.status();
        let page = page.text().context("GET /oauth/authorize")?;
        if status != reqwest::StatusCode::OK {
            bail!("GET /oauth/authorize answered {status}: {page}");
        }
        let request_id = request_id(&page)
            .ok_or_else(|| anyhow!("the consent page names no data-request-id: {page}"))?;

        let approved = client
            .post(format!("{base}/v1/oauth/requests/{request_id}/approve"))
            .bearer_auth(&service.token)
            .json(&json!({}))
            .send()
            .context("approving the authorization request")?;
        if approved.status() != reqwest::StatusCode::CREATED {
            let status = approved.status();
            bail!(
                "POST /v1/oauth/requests/…/approve answered {status}: {}",
                approved.text().unwrap_or_default()
            );
        }

        let redirect = client
            .get(format!("{base}/oauth/authorize/{request_id}"))
            .send()
            .context("GET /oauth/authorize/{id}")?;
        if redirect.status() != reqwest::StatusCode::SEE_OTHER {
            bail!(
                "GET /oauth/authorize/{{id}} answered {} after the approval, not a 303",
                redirect.status()
            );
        }
        let location = redirect
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| anyhow!("the approved request's redirect has no Location"))?;
        let location = Url::parse(location).context("the redirect's Location")?;
        let code = location
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, value)| value.into_owned())
            .ok_or_else(|| {
                // The code is the only secret in it, and it is absent.
                anyhow!("the approved request's redirect has no code: {location}")
            })?;

        let mut token = Self {
            access: String::new(),
            refresh: String::new(),
            client_id,
            expires: Instant::now(),
            client,
            base,
        };
        let client_id = token.client_id.clone();
        token.exchange(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT_URI),
        ])?;
        Ok(token)
    }

    /// How long the access token still works.
    pub fn remaining(&self) -> Duration {
        self.expires.saturating_duration_since(Instant::now())
    }

    /// Trades the refresh token for a new pair (the old refresh token is
    /// spent; the old access token lives on until it expires).
    pub fn refresh(&mut self) -> Result<()> {
        let (refresh, client_id) = (self.refresh.clone(), self.client_id.clone());
        self.exchange(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ])
    }

    /// POSTs `form` to the token endpoint and keeps the new tokens.
    fn exchange(&mut self, form: &[(&str, &str)]) -> Result<()> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let asked = Instant::now();
        let answer = answer(
            self.client
                .post(format!("{}/oauth/token", self.base))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send(),
            "POST /oauth/token",
        )?;
        let field = |name: &str| {
            answer[name]
                .as_str()
                .map(str::to_owned)
                // Not the body: it may hold the other token.
                .ok_or_else(|| anyhow!("POST /oauth/token answered no {name}"))
        };
        self.access = field("access_token")?;
        self.refresh = field("refresh_token")?;
        let lifetime = answer["expires_in"]
            .as_u64()
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        // A few seconds early: the service counts from its own clock.
        self.expires = asked + lifetime.saturating_sub(Duration::from_secs(5));
        Ok(())
    }
}

/// A PKCE verifier: 32 random bytes, base64url (43 characters).
fn verifier() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow!("no randomness: {error}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The `data-request-id` of the consent page's `<main>`.
fn request_id(page: &str) -> Option<&str> {
    let start = page.find("data-request-id=\"")? + "data-request-id=\"".len();
    let rest = &page[start..];
    let id = &rest[..rest.find('"')?];
    (!id.is_empty()).then_some(id)
}

/// The JSON of a successful answer to `what`. Errors quote OAuth's error
/// answers, which hold no secret.
fn answer(response: reqwest::Result<Response>, what: &str) -> Result<Value> {
    let response = response.with_context(|| what.to_owned())?;
    let status = response.status();
    let body: Value = response.json().with_context(|| what.to_owned())?;
    if !status.is_success() {
        bail!("{what} answered {status}: {body}");
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_request_id() {
        let page = "<meta x>\n<main data-request-id=\"oar_123\">\n<h1>";
        assert_eq!(request_id(page), Some("oar_123"));
        assert_eq!(request_id("<main>"), None);
        assert_eq!(request_id("<main data-request-id=\"\">"), None);
    }

    #[test]
    fn verifiers_are_long_enough() -> Result<()> {
        let verifier = verifier()?;
        assert_eq!(verifier.len(), 43);
        assert_ne!(verifier, super::verifier()?);
        Ok(())
    }
}
