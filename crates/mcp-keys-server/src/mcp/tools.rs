//! The MCP server of a surface. With an upstream (DESIGN §7), the
//! upstream's tools, within the key's scopes, answered by the upstream;
//! without one, each capability is a tool that answers with its own name
//! and the arguments it was called with.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::http::request::Parts;
use mcp_keys_core::UpstreamSessions;
#[expect(
    deprecated,
    reason = "logging/setLevel, as clients before 2026-07-28 send it"
)]
use rmcp::model::SetLevelRequestParams;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CallToolResult, ClientRequest,
    CompleteRequestMethod, CompleteRequestParams, CompleteResult, ConstString, ContentBlock,
    GetPromptRequest, GetPromptRequestMethod, GetPromptRequestParams, GetPromptResponse,
    Implementation, InitializeRequestParams, InitializeResult, JsonObject,
    ListPromptsRequestMethod, ListPromptsResult, ListResourceTemplatesRequestMethod,
    ListResourceTemplatesResult, ListResourcesRequestMethod, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequest, ReadResourceRequestMethod,
    ReadResourceRequestParams, ReadResourceResponse, Reference, ResultType, ServerCapabilities,
    ServerConfig, SetLevelRequestMethod, SubscribeRequestMethod, SubscribeRequestParams, Tool,
    UnsubscribeRequestMethod, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::upstreams::{Connection, Downstream, Upstreams};

use crate::calls::{Call, CallLog, CallOutcome};
use crate::time;
use crate::verify;
use serde_json::json;

mod forward;

use forward::{
    answer_within_time, call_tool_response, get_prompt_response, read_resource_response, resumed,
};

/// Who is calling, as the guard established it: the tools the key may see
/// (the surface's capabilities within the key's scopes), or the upstream
/// that answers. Only present for `tools/list` and `tools/call`, the
/// requests that need it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The visible tools, in the order the capabilities were added (none
    /// with an upstream: the upstream lists them).
    pub tools: Arc<[String]>,
    /// The key's scopes: empty allows every capability.
    pub scopes: Arc<[String]>,
    /// The surface's upstream, when it has one.
    pub upstream: Option<Gatewayed>,
}

/// A surface's upstream, the connections to reach it, and who calls it
/// (for the audit of each forwarded call).
#[derive(Debug, Clone)]
pub struct Gatewayed {
    /// The surface's product.
    pub product_id: String,
    /// The surface.
    pub surface_id: String,
    /// Its upstream.
    pub upstream: mcp_keys_core::Upstream,
    /// The service's upstream connections.
    pub upstreams: Arc<Upstreams>,
    /// The key of the request.
    pub key_id: String,
    /// The client of the request, as the guard named it.
    pub client: Option<String>,
    /// Where forwarded calls are recorded.
    pub calls: Arc<CallLog>,
}

impl Gatewayed {
    /// Records one forwarded call of `capability`.
    fn record(&self, capability: &str, outcome: CallOutcome, started: Instant) {
        self.calls.record(Call {
            product_id: self.product_id.clone(),
            surface_id: self.surface_id.clone(),
            key_id: self.key_id.clone(),
            client: self.client.clone(),
            capability: capability.to_owned(),
            outcome,
            duration: started.elapsed(),
            at: time::now(),
        });
    }
}

/// The handler rmcp runs: one per client session, or one per request for
/// clients without a session. What a request may do comes with the
/// request, from the guard; a session of a surface whose upstream is
/// `separate` holds its own upstream connection, made at `initialize`.
#[derive(Debug, Clone, Default)]
pub struct SurfaceTools {
    session: Arc<OnceLock<SessionUpstream>>,
}

/// The upstream connection of one client session.
#[derive(Debug)]
struct SessionUpstream {
    upstreams: Arc<Upstreams>,
    connection: Arc<Connection>,
}

impl ServerHandler for SurfaceTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("mcp-keys", env!("CARGO_PKG_VERSION")))
    }

    /// With an upstream, the client meets the upstream: its name, its
    /// instructions and what it offers. A session of a `separate` upstream
    /// gets its own connection, which offers the upstream what the client
    /// offers; the shared connection cannot deliver change notifications,
    /// subscriptions or log messages to one client, so they are not offered.
    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        context.peer.set_peer_info(request.clone());
        let mut result = self.negotiate_initialize(&request)?;
        let caller = caller(&context)?;
        let Some(gatewayed) = &caller.upstream else {
            return Ok(result);
        };
        if gatewayed.upstream.sessions() == UpstreamSessions::Separate {
            let downstream = Downstream {
                peer: context.peer.clone(),
                capabilities: request.capabilities.clone(),
                scopes: Arc::clone(&caller.scopes),
                in_flight: Arc::default(),
            };
            let connection =
                gatewayed
                    .upstreams
                    .session(&gatewayed.surface_id, &gatewayed.upstream, downstream);
            // A second `initialize` in one session keeps the first connection.
            let _ = self.session.set(SessionUpstream {
                upstreams: Arc::clone(&gatewayed.upstreams),
                connection,
            });
        }
        let lease = self.lease(gatewayed, &context).await?;
        if let Some(upstream) = lease.peer_info() {
            let mut capabilities = upstream.capabilities.clone();
            if lease.downstream().is_none() {
                if let Some(tools) = &mut capabilities.tools {
                    tools.list_changed = None;
                }
                if let Some(prompts) = &mut capabilities.prompts {
                    prompts.list_changed = None;
                }
                if let Some(resources) = &mut capabilities.resources {
                    resources.list_changed = None;
                    resources.subscribe = None;
                }
                capabilities.logging = None;
            }
            result.capabilities = capabilities;
            if let Some(server_info) = &upstream.server_info {
                result.server_info = server_info.clone();
            }
            result.instructions = upstream.instructions.clone();
        }
        Ok(result)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let (caller, peer) = self
            .upstream_of::<ListPromptsRequestMethod>(&context)
            .await?;
        let prompts = answer_within_time(&peer, peer.list_all_prompts()).await?;
        Ok(ListPromptsResult::with_all_items(
            prompts
                .into_iter()
                .filter(|prompt| verify::allows(&caller.scopes, &prompt.name))
                .collect(),
        ))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let (caller, gatewayed) = gatewayed_of::<GetPromptRequestMethod>(&context)?;
        within_scopes(&caller, &request.name)?;
        let name = request.name.clone();
        let resumed = resumed(&request.request_state, &request.input_responses);
        let request = ClientRequest::GetPromptRequest(GetPromptRequest::new(request));
        self.forward(
            &gatewayed,
            &name,
            request,
            resumed,
            get_prompt_response,
            &context,
        )
        .await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let (caller, peer) = self
            .upstream_of::<ListResourcesRequestMethod>(&context)
            .await?;
        let resources = answer_within_time(&peer, peer.list_all_resources()).await?;
        Ok(ListResourcesResult::with_all_items(
            resources
                .into_iter()
                .filter(|resource| verify::allows(&caller.scopes, &resource.uri))
                .collect(),
        ))
    }

    /// Templates name resources that no list holds, so no scope can name
    /// them in advance: only a key without scopes sees them.
    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let (caller, peer) = self
            .upstream_of::<ListResourceTemplatesRequestMethod>(&context)
            .await?;
        if !caller.scopes.is_empty() {
            return Ok(ListResourceTemplatesResult::with_all_items(Vec::new()));
        }
        let templates = answer_within_time(&peer, peer.list_all_resource_templates()).await?;
        Ok(ListResourceTemplatesResult::with_all_items(templates))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let (caller, gatewayed) = gatewayed_of::<ReadResourceRequestMethod>(&context)?;
        within_scopes(&caller, &request.uri)?;
        let uri = request.uri.clone();
        let resumed = resumed(&request.request_state, &request.input_responses);
        let request = ClientRequest::ReadResourceRequest(ReadResourceRequest::new(request));
        self.forward(
            &gatewayed,
            &uri,
            request,
            resumed,
            read_resource_response,
            &context,
        )
        .await
    }

    #[expect(
        deprecated,
        reason = "resources/subscribe, as clients before 2026-07-28 send it"
    )]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let (caller, peer) = self.upstream_of::<SubscribeRequestMethod>(&context).await?;
        within_scopes(&caller, &request.uri)?;
        answer_within_time(&peer, peer.subscribe(request)).await
    }

    #[expect(
        deprecated,
        reason = "resources/unsubscribe, as clients before 2026-07-28 send it"
    )]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let (_, peer) = self
            .upstream_of::<UnsubscribeRequestMethod>(&context)
            .await?;
        answer_within_time(&peer, peer.unsubscribe(request)).await
    }

    #[expect(
        deprecated,
        reason = "logging/setLevel, as clients before 2026-07-28 send it"
    )]
    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let (_, peer) = self.upstream_of::<SetLevelRequestMethod>(&context).await?;
        answer_within_time(&peer, peer.set_level(request)).await
    }

    /// The client's roots changed: its session's upstream hears of it.
    async fn on_roots_list_changed(&self, _context: NotificationContext<RoleServer>) {
        if let Some(session) = self.session.get()
            && let Ok(lease) = session.upstreams.lease(&session.connection).await
        {
            let _ = lease.notify_roots_list_changed().await;
        }
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let (caller, peer) = self.upstream_of::<CompleteRequestMethod>(&context).await?;
        let named = match &request.r#ref {
            Reference::Prompt(prompt) => Some(prompt.name.clone()),
            Reference::Resource(resource) => Some(resource.uri.clone()),
            // A kind of reference this version does not know: only a key
            // without scopes may complete it.
            _ => None,
        };
        match named {
            Some(named) => within_scopes(&caller, &named)?,
            None if caller.scopes.is_empty() => {}
            None => within_scopes(&caller, "")?,
        }
        let mut completed = answer_within_time(&peer, peer.complete(request)).await?;
        completed.result_type.get_or_insert(ResultType::COMPLETE);
        Ok(completed)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let caller = caller(&context)?;
        if let Some(gatewayed) = &caller.upstream {
            let peer = self.lease(gatewayed, &context).await?;
            let tools = answer_within_time(&peer, peer.list_all_tools()).await?;
            return Ok(ListToolsResult::with_all_items(
                tools
                    .into_iter()
                    .filter(|tool| verify::allows(&caller.scopes, &tool.name))
                    .collect(),
            ));
        }
        Ok(ListToolsResult::with_all_items(
            caller.tools.iter().map(|name| tool(name)).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let caller = caller(&context)?;
        if let Some(gatewayed) = &caller.upstream {
            within_scopes(&caller, &request.name)?;
            let name = request.name.to_string();
            let resumed = resumed(&request.request_state, &request.input_responses);
            let request = ClientRequest::CallToolRequest(CallToolRequest::new(request));
            return self
                .forward(
                    gatewayed,
                    &name,
                    request,
                    resumed,
                    call_tool_response,
                    &context,
                )
                .await;
        }
        if !caller.tools.iter().any(|name| *name == request.name) {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        }
        let echo = json!({
            "tool": request.name,
            "arguments": request.arguments.unwrap_or_default(),
        });
        let mut result = CallToolResult::success(vec![ContentBlock::text(echo.to_string())]);
        result.structured_content = Some(echo);
        Ok(result.into())
    }
}

/// The caller and its upstream, for a method only an upstream answers (a
/// surface without one has no prompts or resources).
fn gatewayed_of<M: ConstString + Default>(
    context: &RequestContext<RoleServer>,
) -> Result<(Caller, Gatewayed), ErrorData> {
    let caller = caller(context)?;
    let Some(gatewayed) = caller.upstream.clone() else {
        return Err(ErrorData::method_not_found::<M>());
    };
    Ok((caller, gatewayed))
}

/// Refuses `capability` outside the caller's scopes. The guard has refused
/// such a request already (403 `scope`); checked again, never forwarded.
fn within_scopes(caller: &Caller, capability: &str) -> Result<(), ErrorData> {
    if verify::allows(&caller.scopes, capability) {
        Ok(())
    } else {
        Err(ErrorData::invalid_params(
            format!("`{capability}` is outside this key's scopes"),
            None,
        ))
    }
}

/// The tool of capability `name`: any JSON object as arguments.
fn tool(name: &str) -> Tool {
    let mut schema = JsonObject::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("additionalProperties".into(), json!(true));
    Tool::new(
        name.to_owned(),
        format!("Capability `{name}`: answers with its name and the arguments it was given."),
        Arc::new(schema),
    )
}

/// The caller the guard put on the HTTP request, which rmcp hands over as
/// the request's `Parts`.
fn caller(context: &RequestContext<RoleServer>) -> Result<Caller, ErrorData> {
    context
        .extensions
        .get::<Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>())
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("the request was not authenticated", None))
}
