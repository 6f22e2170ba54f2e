//! The client: where the key service is, the token, timeouts and retries.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use mcp_keys_core::Sensitive;
use reqwest::Url;
use reqwest::header::HeaderValue;
use reqwest::redirect;

use crate::identity::Identity;
use crate::{Error, RetryPolicy};

/// A client of one key service's management API: our `mcp-keys serve`, the
/// desktop app's embedded service, or Runtype's public API.
///
/// Cheap to clone (the connection pool is shared). `Debug` shows the base
/// URL and never the token.
///
/// ```no_run
/// use mcp_keys_client::{Client, NewKey};
/// use mcp_keys_core::Sensitive;
///
/// # async fn run() -> Result<(), mcp_keys_client::Error> {
/// let token = Sensitive::new(std::env::var("MCP_KEYS_TOKEN").unwrap_or_default());
/// let client = Client::new("http://127.0.0.1:7410", token)?;
/// for product in client.list_products_all().await? {
///     println!("{} {}", product.id, product.name);
/// }
/// let created = client.create_key("prod-id", "surface-id", &NewKey::named("cursor")).await?;
/// println!("{}", created.metadata.key_prefix); // the key itself: created.key.expose_secret()
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    /// `Bearer <token>`, marked sensitive so HTTP debugging never prints it.
    /// A `HeaderValue` is not wiped on drop; it lives as long as the client.
    pub(crate) authorization: HeaderValue,
    pub(crate) retry: RetryPolicy,
    /// The page size `…_all` walks ask for; the server's default if `None`.
    pub(crate) page_size: Option<u32>,
    /// The service's proof of identity, required before the token crosses
    /// plain HTTP (`identity.rs`).
    pub(crate) identity: Option<Arc<Identity>>,
}

impl Client {
    /// A client of the key service at `base_url` (`https://api.example.com`,
    /// `http://127.0.0.1:7410`) with a bearer token (an `mgmt_…` management
    /// token or a Runtype API key), with the default timeouts and retries.
    pub fn new(base_url: impl AsRef<str>, token: Sensitive<String>) -> Result<Self, Error> {
        Self::builder(base_url, token).build()
    }

    /// A builder to set timeouts and retries before building the client.
    pub fn builder(base_url: impl AsRef<str>, token: Sensitive<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.as_ref().to_owned(),
            token,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            page_size: None,
        }
    }

    /// The base URL calls are made under.
    pub fn base_url(&self) -> &Url {
        &self.base
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base.as_str())
            .field("token", &"<redacted>")
            .field("retry", &self.retry)
            .finish()
    }
}

/// Settings of a [`Client`] before it is built.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    token: Sensitive<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    page_size: Option<u32>,
}

impl ClientBuilder {
    /// How long to wait for a connection (TCP and TLS); 5 s by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt of a call may take in all; 30 s by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How idempotent calls are retried; [`RetryPolicy::default`] by default.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The page size the `…_all` calls ask for (1 to 200 on our service);
    /// the server's default (50 on ours) when not set.
    pub fn page_size(mut self, rows: u32) -> Self {
        self.page_size = Some(rows);
        self
    }

    /// Allows plain `http://` to a host other than this machine. Off by
    /// default: the token would cross the network readable by anyone on
    /// the way. Loopback (`localhost`, `127.0.0.1`, `[::1]`) is always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The client. Fails when the URL is not usable or the token cannot be
    /// sent in a header.
    pub fn build(self) -> Result<Client, Error> {
        let base = base_url(&self.base_url, self.allow_insecure_http)?;
        let header = Sensitive::new(format!("Bearer {}", self.token.expose().trim()));
        let mut authorization =
            HeaderValue::from_str(header.expose()).map_err(|_| Error::InvalidToken)?;
        authorization.set_sensitive(true);
        let identity = Identity::needed(&base, self.token.expose());
        let mut http = reqwest::Client::builder();
        if is_loopback(&base) {
            // A proxy from the environment (`http_proxy`, `ALL_PROXY`) would
            // receive the token in the clear on its way to this machine.
            http = http.no_proxy();
        }
        let http = http
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .pool_idle_timeout(mcp_keys_core::CLIENT_IDLE_TIMEOUT)
            // A redirect could take the token to another host or to plain
            // HTTP; the API never redirects, so one is reported instead.
            .redirect(redirect::Policy::none())
            .user_agent(concat!("mcp-keys-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::Setup)?;
        Ok(Client {
            http,
            base,
            authorization,
            retry: self.retry,
            page_size: self.page_size,
            identity,
        })
    }
}

/// Parses and checks a base URL: http(s), no query or fragment, and plain
/// HTTP only to loopback unless allowed.
fn base_url(text: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let invalid = |reason| Error::InvalidUrl {
        url: text.to_owned(),
        reason,
    };
    let url = Url::parse(text.trim()).map_err(|_| invalid("not a URL"))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                "plain http is only allowed to this machine; use https",
            ));
        }
        _ => return Err(invalid("the scheme must be http or https")),
    }
    Ok(url)
}

/// Whether `url` names this machine (`localhost` or a loopback address).
pub(crate) fn is_loopback(url: &Url) -> bool {
    url.host_str().is_some_and(|host| {
        host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

#[cfg(test)]
mod tests {
    use mcp_keys_core::Sensitive;

    use super::base_url;
    use crate::{Client, Error};

    #[test]
    fn plain_http_is_refused_to_other_hosts_unless_allowed() {
        assert!(base_url("http://127.0.0.1:7410", false).is_ok());
        assert!(base_url("http://localhost:7410/", false).is_ok());
        assert!(base_url("http://[::1]:7410", false).is_ok());
        assert!(base_url("https://api.example.com/", false).is_ok());
        assert!(matches!(
            base_url("http://keys.example.com", false),
            Err(Error::InvalidUrl { .. })
        ));
        assert!(base_url("http://keys.example.com", true).is_ok());
        for bad in [
            "",
            "keys.example.com",
            "ftp://x",
            "https://x/?a=1",
            "mailto:a@b",
        ] {
            assert!(base_url(bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_of_a_client_never_shows_the_token() -> Result<(), Error> {
        let token = "mgmt_not-a-real-token-but-secret-all-the-same";
        let client = Client::new("http://127.0.0.1:1", Sensitive::new(token.to_owned()))?;
        let debug = format!("{client:?}");
        assert!(!debug.contains("not-a-real-token"), "{debug}");
        assert!(debug.contains("<redacted>"));
        assert!(debug.contains("127.0.0.1:1"));
        Ok(())
    }
}
