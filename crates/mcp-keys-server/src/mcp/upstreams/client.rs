//! The gateway as the upstream's MCP client. It hears when the upstream's
//! lists change (to keep the surface's items current) and, for a connection
//! that belongs to one client session (`sessions: separate`), relays
//! everything the upstream says to that client: its requests (sampling,
//! elicitation, roots), its progress, its log messages and its list and
//! resource changes. A connection that serves one call of a client without
//! a session at a time (`rounds.rs`) puts the upstream's requests to that
//! call's client as `input_required` results.
//!
//! The newest protocol revision deprecates sampling, roots and logging
//! (SEP-2577), and rmcp marks them so; servers in use still send them, and
//! a gateway passes on what the server and the client say.
#![expect(
    deprecated,
    reason = "relays sampling, roots and logging, which servers still use"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::model::{
    ClientCapabilities, ClientConfig, ClientResult, CreateMessageRequest,
    CreateMessageRequestParams, CreateMessageResult, ElicitRequest, ElicitRequestParams,
    ElicitResult, Extensions, Implementation, InputRequest, ListRootsRequest, ListRootsResult,
    LoggingMessageNotificationParam, ProgressNotificationParam, ProgressToken, RequestId,
    ResourceUpdatedNotificationParam, ServerRequest,
};
use rmcp::service::{NotificationContext, OriginatingRequestId, RequestContext, ServiceError};
use rmcp::{ClientHandler, ErrorData, RoleClient, RoleServer, service::Peer};
use tokio::sync::Notify;

use super::rounds::Rounds;
use crate::verify;

/// Where the upstream's requests to its client go, on a connection that
/// has a client to ask.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per connection; boxing would only add a pointer hop"
)]
pub enum Relay {
    /// A client session: requests and notifications go to it.
    Session(Downstream),
    /// The calls of clients without a session (2026-07-28), one at a time.
    Rounds(Rounds),
}

/// The client session a connection belongs to: where the upstream's
/// requests and notifications go, and what that client can take.
#[derive(Debug, Clone)]
pub struct Downstream {
    /// The client.
    pub peer: Peer<RoleServer>,
    /// What the client said it can do (sampling, elicitation, roots).
    pub capabilities: ClientCapabilities,
    /// The key's scopes, for the resource changes the client may hear of.
    pub scopes: Arc<[String]>,
    /// The client's requests being answered upstream: the progress token
    /// the gateway sent for each, and the client's own token and request.
    pub in_flight: Arc<Mutex<HashMap<ProgressToken, InFlight>>>,
}

/// One client request being answered upstream.
#[derive(Debug, Clone)]
pub struct InFlight {
    /// The client's request.
    pub request: RequestId,
    /// The progress token the client gave, if it wants progress.
    pub progress: Option<ProgressToken>,
}

impl Downstream {
    /// The client's request that an upstream request belongs to: the one
    /// in flight, when there is exactly one (stdio says no more). With
    /// none or several, the request goes to the client's stream for the
    /// whole session.
    fn originating(&self) -> Option<RequestId> {
        let in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut requests = in_flight.values();
        match (requests.next(), requests.next()) {
            (Some(only), None) => Some(only.request.clone()),
            _ => None,
        }
    }

    /// Sends the upstream's request to the client, on the stream of the
    /// client request that caused it when that is known; cancelled when the
    /// upstream cancels it.
    async fn ask(
        &self,
        request: ServerRequest,
        context: RequestContext<RoleClient>,
    ) -> Result<ClientResult, ErrorData> {
        let mut request = request;
        if let Some(originating) = self.originating() {
            extensions(&mut request).insert(OriginatingRequestId(originating));
        }
        let asked = tokio::select! {
            answer = self.peer.send_request(request) => answer,
            () = context.ct.cancelled() => {
                return Err(ErrorData::internal_error("cancelled by the upstream MCP server", None));
            }
        };
        asked.map_err(|error| match error {
            ServiceError::McpError(error) => error,
            other => ErrorData::internal_error(
                format!("the client did not answer: {}", super::plain(&other)),
                None,
            ),
        })
    }
}

fn extensions(request: &mut ServerRequest) -> &mut Extensions {
    use rmcp::model::GetExtensions as _;
    request.extensions_mut()
}

/// The gateway as the upstream's client.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    info: ClientConfig,
    changed: Arc<Notify>,
    relay: Option<Relay>,
}

impl GatewayClient {
    /// The client of a connection: relaying to a session, it offers what
    /// that client offers; for the calls of clients without a session, it
    /// offers what their revision can carry; without either (the `shared`
    /// connection), it offers nothing, so a well-behaved upstream never
    /// asks. A client's roots are not offered to a server that would take
    /// them as the folders it may use (`roots: false`).
    pub fn new(changed: Arc<Notify>, relay: Option<Relay>, roots: bool) -> Self {
        let mut capabilities = ClientCapabilities::default();
        match &relay {
            Some(Relay::Session(downstream)) => {
                capabilities.sampling = downstream.capabilities.sampling.clone();
                capabilities.elicitation = downstream.capabilities.elicitation.clone();
                if roots {
                    capabilities.roots = downstream.capabilities.roots.clone();
                }
            }
            // Each call's client says what it can do; one that cannot
            // answer a question gets it refused on its behalf.
            Some(Relay::Rounds(_)) => {
                capabilities.sampling = Some(Default::default());
                capabilities.elicitation = Some(Default::default());
                if roots {
                    capabilities.roots = Some(Default::default());
                }
            }
            None => {}
        }
        Self {
            info: ClientConfig::new(
                capabilities,
                Implementation::new("mcp-keys-gateway", env!("CARGO_PKG_VERSION")),
            ),
            changed,
            relay,
        }
    }

    fn downstream(&self) -> Option<&Downstream> {
        match &self.relay {
            Some(Relay::Session(downstream)) => Some(downstream),
            Some(Relay::Rounds(_)) | None => None,
        }
    }

    /// Puts the upstream's `request` to the client, as a session's request
    /// or as a question of a call; its answer.
    async fn ask<T: serde::de::DeserializeOwned>(
        &self,
        request: ServerRequest,
        question: impl FnOnce() -> InputRequest,
        result: impl FnOnce(ClientResult) -> Option<T>,
        context: RequestContext<RoleClient>,
    ) -> Result<T, ErrorData> {
        match &self.relay {
            Some(Relay::Session(downstream)) => {
                result(downstream.ask(request, context).await?).ok_or_else(unexpected)
            }
            Some(Relay::Rounds(rounds)) => {
                let answer = rounds.ask(question(), context.ct.cancelled()).await?;
                serde_json::from_value(answer).map_err(|error| {
                    ErrorData::invalid_params(format!("the client's answer: {error}"), None)
                })
            }
            None => Err(ErrorData::internal_error(
                "this upstream is shared by every client of the surface, so it cannot ask one",
                None,
            )),
        }
    }
}

impl ClientHandler for GatewayClient {
    fn get_info(&self) -> ClientConfig {
        self.info.clone()
    }

    async fn create_message(
        &self,
        params: CreateMessageRequestParams,
        context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        let request = CreateMessageRequest::new(params);
        self.ask(
            ServerRequest::CreateMessageRequest(request.clone()),
            || InputRequest::CreateMessage(request),
            |result| match result {
                ClientResult::CreateMessageResult(result) => Some(*result),
                _ => None,
            },
            context,
        )
        .await
    }

    async fn create_elicitation(
        &self,
        params: ElicitRequestParams,
        context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let request = ElicitRequest::new(params);
        self.ask(
            ServerRequest::ElicitRequest(request.clone()),
            || InputRequest::Elicitation(request),
            |result| match result {
                ClientResult::ElicitResult(result) => Some(result),
                _ => None,
            },
            context,
        )
        .await
    }

    async fn list_roots(
        &self,
        context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        if self.info.capabilities.roots.is_none() {
            return Err(ErrorData::method_not_found::<
                rmcp::model::ListRootsRequestMethod,
            >());
        }
        self.ask(
            ServerRequest::ListRootsRequest(ListRootsRequest::default()),
            || InputRequest::ListRoots(ListRootsRequest::default()),
            |result| match result {
                ClientResult::ListRootsResult(result) => Some(result),
                _ => None,
            },
            context,
        )
        .await
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let Some(downstream) = self.downstream() else {
            return;
        };
        let token = downstream
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&params.progress_token)
            .and_then(|in_flight| in_flight.progress.clone());
        // Progress the client did not ask for is not passed on.
        if let Some(token) = token {
            let mut params = params;
            params.progress_token = token;
            let _ = downstream.peer.notify_progress(params).await;
        }
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        if let Some(downstream) = self.downstream() {
            let _ = downstream.peer.notify_logging_message(params).await;
        }
    }

    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        if let Some(downstream) = self.downstream()
            && verify::allows(&downstream.scopes, &params.uri)
        {
            let _ = downstream.peer.notify_resource_updated(params).await;
        }
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.changed.notify_one();
        if let Some(downstream) = self.downstream() {
            let _ = downstream.peer.notify_tool_list_changed().await;
        }
    }

    async fn on_prompt_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.changed.notify_one();
        if let Some(downstream) = self.downstream() {
            let _ = downstream.peer.notify_prompt_list_changed().await;
        }
    }

    async fn on_resource_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.changed.notify_one();
        if let Some(downstream) = self.downstream() {
            let _ = downstream.peer.notify_resource_list_changed().await;
        }
    }
}

fn unexpected() -> ErrorData {
    ErrorData::internal_error("the client answered with another kind of result", None)
}
