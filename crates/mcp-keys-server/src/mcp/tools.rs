//! The MCP server of a surface. With an upstream (DESIGN §7), the
//! upstream's tools, within the key's scopes, answered by the upstream;
//! without one, each capability is a tool that answers with its own name
//! and the arguments it was called with.

use std::sync::Arc;
use std::time::Instant;

use axum::http::request::Parts;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestMethod,
    CompleteRequestParams, CompleteResult, ConstString, ContentBlock, GetPromptRequestMethod,
    GetPromptRequestParams, GetPromptResponse, Implementation, InitializeRequestParams,
    InitializeResult, JsonObject, ListPromptsRequestMethod, ListPromptsResult,
    ListResourceTemplatesRequestMethod, ListResourceTemplatesResult, ListResourcesRequestMethod,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestMethod,
    ReadResourceRequestParams, ReadResourceResponse, Reference, ServerCapabilities, ServerConfig,
    Tool,
};
use rmcp::service::{RequestContext, ServiceError};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::upstreams::{Lease, Upstreams, plain};
use crate::calls::{Call, CallLog, CallOutcome};
use crate::time;
use crate::verify;
use serde_json::json;

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
    async fn peer(&self) -> Result<Lease, ErrorData> {
        self.upstreams
            .peer(&self.surface_id, &self.upstream)
            .await
            .map_err(|error| ErrorData::internal_error(error.to_string(), None))
    }

    /// Forwards one call of `capability` (a tool, a prompt, a resource)
    /// within the time limit, and records it.
    async fn forward<T: Answer>(
        &self,
        capability: &str,
        call: impl AsyncFnOnce(&Lease) -> Result<T, ServiceError>,
    ) -> Result<T, ErrorData> {
        let started = Instant::now();
        let (answer, outcome) = match self.peer().await {
            Err(error) => (Err(error), CallOutcome::Unavailable),
            Ok(lease) => {
                let answer = within_time(&lease, call(&lease)).await;
                let outcome = match &answer {
                    Ok(answer) if answer.is_error() => CallOutcome::Error,
                    Ok(_) => CallOutcome::Ok,
                    Err(Failure::Answered(_)) => CallOutcome::Error,
                    Err(Failure::TimedOut(_)) => CallOutcome::Timeout,
                    Err(Failure::Broken(_)) => CallOutcome::Unavailable,
                };
                (answer.map_err(Failure::into_error), outcome)
            }
        };
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
        answer
    }
}

/// An upstream's answer to a forwarded call, which may say it failed.
trait Answer {
    /// Whether the answer reports an error (a tool result marked so).
    fn is_error(&self) -> bool {
        false
    }
}

impl Answer for CallToolResponse {
    fn is_error(&self) -> bool {
        matches!(self, Self::Complete(result) if result.is_error == Some(true))
    }
}

impl Answer for GetPromptResponse {}

impl Answer for ReadResourceResponse {}

/// Why a forwarded request has no answer.
enum Failure {
    /// The upstream answered with an MCP error.
    Answered(ErrorData),
    /// It did not answer within the time limit.
    TimedOut(ErrorData),
    /// The connection failed under the request.
    Broken(ErrorData),
}

impl Failure {
    fn into_error(self) -> ErrorData {
        match self {
            Self::Answered(error) | Self::TimedOut(error) | Self::Broken(error) => error,
        }
    }
}

/// The handler rmcp runs for every request. It holds nothing: what a
/// request may do comes with the request, from the guard.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceTools;

impl ServerHandler for SurfaceTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("mcp-keys", env!("CARGO_PKG_VERSION")))
    }

    /// With an upstream, the client meets the upstream: its name, its
    /// instructions and what it offers (less what a stateless endpoint
    /// cannot deliver: change notifications and subscriptions).
    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        context.peer.set_peer_info(request.clone());
        let mut result = self.negotiate_initialize(&request)?;
        let Some(gatewayed) = caller(&context)?.upstream else {
            return Ok(result);
        };
        let peer = gatewayed.peer().await?;
        if let Some(upstream) = peer.peer_info() {
            let mut capabilities = upstream.capabilities.clone();
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
        let (caller, peer) = upstream_of::<ListPromptsRequestMethod>(&context).await?;
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
        gatewayed
            .forward(&name, async |peer| peer.get_prompt_once(request).await)
            .await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let (caller, peer) = upstream_of::<ListResourcesRequestMethod>(&context).await?;
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
        let (caller, peer) = upstream_of::<ListResourceTemplatesRequestMethod>(&context).await?;
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
        gatewayed
            .forward(&uri, async |peer| peer.read_resource_once(request).await)
            .await
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let (caller, peer) = upstream_of::<CompleteRequestMethod>(&context).await?;
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
        answer_within_time(&peer, peer.complete(request)).await
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let caller = caller(&context)?;
        if let Some(gatewayed) = &caller.upstream {
            let peer = gatewayed.peer().await?;
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
            return gatewayed
                .forward(&name, async |peer| peer.call_tool_once(request).await)
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

/// The caller and the upstream's peer, for a method only an upstream
/// answers (a surface without one has no prompts or resources).
async fn upstream_of<M: ConstString + Default>(
    context: &RequestContext<RoleServer>,
) -> Result<(Caller, Lease), ErrorData> {
    let caller = caller(context)?;
    let Some(gatewayed) = &caller.upstream else {
        return Err(ErrorData::method_not_found::<M>());
    };
    let peer = gatewayed.peer().await?;
    Ok((caller, peer))
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

/// The upstream's answer within the lease's time limit, or an MCP error saying why
/// not: the client never hangs on an upstream that stays silent.
async fn within_time<T>(
    lease: &Lease,
    call: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, Failure> {
    let timeout = lease.timeout();
    match tokio::time::timeout(timeout, call).await {
        Ok(Ok(answer)) => Ok(answer),
        // The upstream's own error reaches the client as the upstream said it.
        Ok(Err(ServiceError::McpError(error))) => Err(Failure::Answered(error)),
        Ok(Err(error)) => {
            lease.connection_failed(&error);
            Err(Failure::Broken(ErrorData::internal_error(
                format!("the upstream MCP server failed: {}", plain(&error)),
                None,
            )))
        }
        Err(_) => Err(Failure::TimedOut(ErrorData::internal_error(
            format!(
                "the upstream MCP server did not answer within {} s",
                timeout.as_secs()
            ),
            None,
        ))),
    }
}

/// [`within_time`] for requests that are not audited (lists, completion).
async fn answer_within_time<T>(
    lease: &Lease,
    call: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, ErrorData> {
    within_time(lease, call).await.map_err(Failure::into_error)
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
