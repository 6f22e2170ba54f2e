//! The MCP endpoint as the bridge reaches it: one HTTP client for the
//! bridge's life (connections are reused), the session the server opened,
//! the key, and the queue of lines for stdout.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{RequestBuilder, Response, Url, redirect};
use tokio::sync::mpsc;

use super::failure::{Failure, Refusal};
use super::keys::Keys;
use super::{BridgeError, BridgeOptions, KeySource};

/// The session header of the Streamable HTTP transport.
pub(crate) const SESSION_HEADER: &str = "mcp-session-id";
/// The header that names the negotiated protocol revision.
pub(crate) const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// TCP keep-alive: the server's event stream may stay silent for hours, and
/// a peer that vanished must still be noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);
/// How long the `DELETE` that ends the session may take at exit.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// What the bridge's tasks share.
pub(crate) struct Endpoint {
    http: reqwest::Client,
    url: Url,
    keys: Keys,
    session: Mutex<Session>,
    output: mpsc::Sender<String>,
}

/// The session the server opened with its `initialize` answer, if any, and
/// the protocol revision it chose.
#[derive(Clone, Default)]
pub(crate) struct Session {
    pub id: Option<HeaderValue>,
    pub protocol_version: Option<HeaderValue>,
}

impl Session {
    /// Adds the session's headers to `request`.
    pub(crate) fn apply(&self, mut request: RequestBuilder) -> RequestBuilder {
        if let Some(id) = &self.id {
            request = request.header(SESSION_HEADER, id.clone());
        }
        if let Some(version) = &self.protocol_version {
            request = request.header(PROTOCOL_VERSION_HEADER, version.clone());
        }
        request
    }
}

impl Endpoint {
    /// Checks the URL and sets up the HTTP client.
    pub(crate) fn new(
        options: &BridgeOptions,
        keys: Arc<dyn KeySource>,
        output: mpsc::Sender<String>,
    ) -> Result<Self, BridgeError> {
        let url = options.url.clone();
        // Errors quote the URL: never with a password in it.
        let mut shown = url.clone();
        let _ = shown.set_password(None);
        let invalid = |reason| BridgeError::InvalidUrl {
            url: shown.to_string(),
            reason,
        };
        if url.password().is_some() {
            return Err(invalid(
                "it holds a password, which would end up in logs; the key goes in a header",
            ));
        }
        let loopback = crate::client::is_loopback(&url);
        match url.scheme() {
            "https" => {}
            "http" if loopback || options.allow_insecure_http => {}
            "http" => {
                return Err(invalid(
                    "plain http would send the key in the clear; use https",
                ));
            }
            _ => return Err(invalid("the scheme must be http or https")),
        }
        if url.host_str().is_none() {
            return Err(invalid("it has no host"));
        }
        let mut http = reqwest::Client::builder();
        if loopback {
            // A proxy from the environment would receive the key in the
            // clear on its way to this machine.
            http = http.no_proxy();
        }
        let http = http
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_keepalive(TCP_KEEPALIVE)
            .tcp_nodelay(true)
            .pool_idle_timeout(mcp_keys_core::CLIENT_IDLE_TIMEOUT)
            // A redirect could take the key to another host or to plain HTTP.
            .redirect(redirect::Policy::none())
            .user_agent(options.user_agent.as_str())
            .build()
            .map_err(BridgeError::Setup)?;
        Ok(Self {
            http,
            url,
            keys: Keys::new(keys, options.key_ttl),
            session: Mutex::new(Session::default()),
            output,
        })
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends the request that `build` makes with the current key. When the
    /// service refuses the key, reads it again and, if the source holds
    /// another one now (rolled, or revoked and replaced), sends once more
    /// with it; a refusal that another key would not change is returned as
    /// a [`Failure`]. Any other status is the caller's to read.
    pub(crate) async fn send(
        &self,
        build: impl Fn(&HeaderValue) -> RequestBuilder,
    ) -> Result<Response, Failure> {
        let authorization = self.keys.authorization().await?;
        let response = self.attempt(build(&authorization)).await?;
        if !matches!(response.status().as_u16(), 401 | 403) {
            return Ok(response);
        }
        let refusal = Refusal::read(response).await;
        if !refusal.is_invalid_key() {
            return Err(Failure::Status(Box::new(refusal)));
        }
        match self.keys.after_refusal(&authorization).await? {
            Some(fresh) => {
                tracing::info!(
                    "the service refused the API key; trying the key the keyring holds now"
                );
                self.attempt(build(&fresh)).await
            }
            None => Err(Failure::Status(Box::new(refusal))),
        }
    }

    async fn attempt(&self, request: RequestBuilder) -> Result<Response, Failure> {
        request
            .send()
            .await
            .map_err(|error| Failure::unreachable(&self.url, &error))
    }

    /// The session as it is now.
    pub(crate) fn session(&self) -> Session {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes the session.
    pub(crate) fn update_session(&self, change: impl FnOnce(&mut Session)) {
        change(&mut self.session.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Queues `line` for stdout. A closed queue means stdout failed, which
    /// ends the bridge already.
    pub(crate) async fn write(&self, line: String) {
        if self.output.send(line).await.is_err() {
            tracing::debug!("stdout is closed; a message from the server was dropped");
        }
    }

    /// Ends the session, if the server opened one (`DELETE`), within a short
    /// time and whatever the answer: the bridge is exiting.
    pub(crate) async fn close_session(&self) {
        let session = self.session();
        if session.id.is_none() {
            return;
        }
        let close = async {
            let authorization = self.keys.authorization().await.ok()?;
            let request = self
                .http
                .delete(self.url.clone())
                .header(AUTHORIZATION, authorization);
            session.apply(request).send().await.ok()
        };
        match tokio::time::timeout(CLOSE_TIMEOUT, close).await {
            Ok(Some(response)) => {
                tracing::debug!(status = %response.status(), "MCP session closed");
            }
            Ok(None) | Err(_) => tracing::debug!("the MCP session could not be closed"),
        }
    }
}
