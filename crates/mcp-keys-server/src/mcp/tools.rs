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
    Implementation, InitializeRequestParams, InitializeResult, InputRequiredResult, InputResponses,
    JsonObject, ListPromptsRequestMethod, ListPromptsResult, ListResourceTemplatesRequestMethod,
    ListResourceTemplatesResult, ListResourcesRequestMethod, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ReadResourceRequest, ReadResourceRequestMethod,
    ReadResourceRequestParams, ReadResourceResponse, Reference, ResultType, ServerCapabilities,
    ServerConfig, ServerResult, SetLevelRequestMethod, SubscribeRequestMethod,
    SubscribeRequestParams, Tool, UnsubscribeRequestMethod, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext, ServiceError};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::upstreams::{
    Connection, Downstream, Lease, Question, Resume, Round, Step, UpstreamError, Upstreams, plain,
    relay, send,
};
use tokio::sync::mpsc::UnboundedReceiver;

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

// An upstream of a revision before 2026-07-28 leaves out a result's
// `resultType`, which a client of that revision requires; rmcp drops a
// `complete` one again for older clients.

/// The answer to a forwarded `tools/call`, as the upstream gave it.
fn call_tool_response(result: ServerResult) -> Option<CallToolResponse> {
    match result {
        ServerResult::CallToolResult(mut result) => {
            result.result_type.get_or_insert(ResultType::COMPLETE);
            Some(CallToolResponse::Complete(result))
        }
        ServerResult::InputRequiredResult(result) => Some(CallToolResponse::InputRequired(result)),
        ServerResult::CreateTaskResult(result) => Some(CallToolResponse::Task(result)),
        _ => None,
    }
}

/// The answer to a forwarded `prompts/get`.
fn get_prompt_response(result: ServerResult) -> Option<GetPromptResponse> {
    match result {
        ServerResult::GetPromptResult(mut result) => {
            result.result_type.get_or_insert(ResultType::COMPLETE);
            Some(GetPromptResponse::Complete(result))
        }
        ServerResult::InputRequiredResult(result) => Some(GetPromptResponse::InputRequired(result)),
        _ => None,
    }
}

/// The answer to a forwarded `resources/read`.
fn read_resource_response(result: ServerResult) -> Option<ReadResourceResponse> {
    match result {
        ServerResult::ReadResourceResult(mut result) => {
            result.result_type.get_or_insert(ResultType::COMPLETE);
            Some(ReadResourceResponse::Complete(result))
        }
        ServerResult::InputRequiredResult(result) => {
            Some(ReadResourceResponse::InputRequired(result))
        }
        _ => None,
    }
}

/// Why a forwarded request has no answer.
#[derive(Clone)]
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

/// The connection a request was given.
enum Leased {
    /// The session's own, or the surface's shared one.
    Plain(Lease),
    /// One for this call alone, whose upstream may ask the call's client
    /// (a client of 2026-07-28, without a session).
    Rounds(Lease, UnboundedReceiver<Question>),
}

/// What a call that answers the upstream's questions carries: the handle
/// the gateway gave (`requestState`) and the client's answers.
type Resumed = (String, Option<InputResponses>);

impl SurfaceTools {
    /// The upstream's peer for a request of `gatewayed`: the session's own
    /// connection, or the surface's shared one.
    async fn lease(
        &self,
        gatewayed: &Gatewayed,
        context: &RequestContext<RoleServer>,
    ) -> Result<Lease, ErrorData> {
        Ok(match self.leased(gatewayed, context).await? {
            Leased::Plain(lease) | Leased::Rounds(lease, _) => lease,
        })
    }

    /// [`Self::lease`], or for a client without a session that can be
    /// asked (sampling, elicitation, roots), a connection for the call.
    async fn leased(
        &self,
        gatewayed: &Gatewayed,
        context: &RequestContext<RoleServer>,
    ) -> Result<Leased, ErrorData> {
        let failed = |error: UpstreamError| ErrorData::internal_error(error.to_string(), None);
        if let Some(session) = self.session.get() {
            if session.connection.upstream() != &gatewayed.upstream {
                return Err(ErrorData::internal_error(
                    "the surface's MCP server changed since this session began: connect again",
                    None,
                ));
            }
            let lease = session.upstreams.lease(&session.connection).await;
            return lease.map(Leased::Plain).map_err(failed);
        }
        if may_be_asked(context)
            && let Some(rounds) = gatewayed
                .upstreams
                .rounds(
                    &gatewayed.surface_id,
                    &gatewayed.upstream,
                    &gatewayed.key_id,
                )
                .await
        {
            let (lease, questions) = rounds.map_err(failed)?;
            return Ok(Leased::Rounds(lease, questions));
        }
        let lease = gatewayed
            .upstreams
            .peer(&gatewayed.surface_id, &gatewayed.upstream)
            .await;
        lease.map(Leased::Plain).map_err(failed)
    }

    /// Forwards one call of `capability` (a tool, a prompt, a resource)
    /// within the time limit, and records it. A call that answers the
    /// gateway's questions (`resumed`) goes on where it was parked.
    async fn forward<T: Answer + From<InputRequiredResult>>(
        &self,
        gatewayed: &Gatewayed,
        capability: &str,
        request: ClientRequest,
        resumed: Option<Resumed>,
        answer: fn(ServerResult) -> Option<T>,
        context: &RequestContext<RoleServer>,
    ) -> Result<T, ErrorData> {
        if let Some((handle, responses)) = resumed {
            let parked = gatewayed.upstreams.parked();
            match parked.resume(&handle, &gatewayed.key_id, capability) {
                Ok(mut round) => {
                    round.answer(responses);
                    return self
                        .rounds(gatewayed, capability, round, answer, context)
                        .await;
                }
                // The upstream's own handle: the request goes to it as is.
                Err(Resume::NotOurs) => {}
                Err(Resume::Unknown) => {
                    return Err(ErrorData::invalid_params(
                        "the question this call answers is not waiting here (it expired, or \
                         another instance of the service asked it): call again without \
                         requestState",
                        None,
                    ));
                }
            }
        }
        let started = Instant::now();
        let (answered, outcome) = match self.leased(gatewayed, context).await {
            Err(error) => (Err(error), CallOutcome::Unavailable),
            Ok(Leased::Rounds(lease, questions)) => {
                let round = match send(&lease, request).await {
                    Ok((answer, cancel)) => Round::new(lease, questions, answer, cancel, started),
                    Err(error) => {
                        let failure = failure(&lease, error);
                        let outcome = outcome_of::<T>(&Err(failure.clone()));
                        gatewayed.record(capability, outcome, started);
                        return Err(failure.into_error());
                    }
                };
                return self
                    .rounds(gatewayed, capability, round, answer, context)
                    .await;
            }
            Ok(Leased::Plain(lease)) => {
                let answered = within_time(&lease, async {
                    relay(&lease, request, context)
                        .await
                        .and_then(|result| answer(result).ok_or(ServiceError::UnexpectedResponse))
                })
                .await;
                let outcome = outcome_of(&answered);
                (answered.map_err(Failure::into_error), outcome)
            }
        };
        gatewayed.record(capability, outcome, started);
        answered
    }

    /// Waits for `round`'s answer, or for the upstream's questions, which
    /// the client gets as `input_required` while the call waits parked.
    async fn rounds<T: Answer + From<InputRequiredResult>>(
        &self,
        gatewayed: &Gatewayed,
        capability: &str,
        mut round: Round,
        answer: fn(ServerResult) -> Option<T>,
        context: &RequestContext<RoleServer>,
    ) -> Result<T, ErrorData> {
        let timeout = round.lease().timeout();
        let step = tokio::select! {
            step = tokio::time::timeout(timeout, round.next()) => step,
            () = context.ct.cancelled() => {
                // Dropping the round cancels the call upstream.
                gatewayed.record(capability, CallOutcome::Error, round.started);
                return Err(ErrorData::internal_error("cancelled by the client", None));
            }
        };
        let answered = match step {
            Ok(Step::Asked(asked)) => {
                let parked = gatewayed.upstreams.parked();
                let Some(handle) = parked.park(round, &gatewayed.key_id, capability, timeout)
                else {
                    return Err(ErrorData::internal_error(
                        "too many calls are waiting for their clients' answers: try again later",
                        None,
                    ));
                };
                return Ok(T::from(InputRequiredResult::new(
                    asked.input_requests,
                    Some(handle),
                )));
            }
            Ok(Step::Done(result)) => result
                .map_err(|error| failure(round.lease(), error))
                .and_then(|result| {
                    answer(result)
                        .ok_or_else(|| failure(round.lease(), ServiceError::UnexpectedResponse))
                }),
            Err(_) => Err(timed_out(timeout)),
        };
        gatewayed.record(capability, outcome_of(&answered), round.started);
        answered.map_err(Failure::into_error)
    }

    /// The upstream's peer for a method only an upstream answers (a surface
    /// without one has no prompts or resources), with the caller.
    async fn upstream_of<M: ConstString + Default>(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<(Caller, Lease), ErrorData> {
        let caller = caller(context)?;
        let Some(gatewayed) = &caller.upstream else {
            return Err(ErrorData::method_not_found::<M>());
        };
        let lease = self.lease(gatewayed, context).await?;
        Ok((caller, lease))
    }
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

/// The upstream's answer within the lease's time limit, or an MCP error saying why
/// not: the client never hangs on an upstream that stays silent.
async fn within_time<T>(
    lease: &Lease,
    call: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, Failure> {
    let timeout = lease.timeout();
    match tokio::time::timeout(timeout, call).await {
        Ok(answered) => answered.map_err(|error| failure(lease, error)),
        Err(_) => Err(timed_out(timeout)),
    }
}

/// What `error` of a request on `lease` means for the client.
fn failure(lease: &Lease, error: ServiceError) -> Failure {
    match error {
        // The upstream's own error reaches the client as the upstream said it.
        ServiceError::McpError(error) => Failure::Answered(error),
        ServiceError::Cancelled { reason } => Failure::Answered(ErrorData::internal_error(
            reason.unwrap_or_else(|| "cancelled".to_owned()),
            None,
        )),
        error => {
            lease.connection_failed(&error);
            Failure::Broken(ErrorData::internal_error(
                format!("the upstream MCP server failed: {}", plain(&error)),
                None,
            ))
        }
    }
}

fn timed_out(timeout: std::time::Duration) -> Failure {
    Failure::TimedOut(ErrorData::internal_error(
        format!(
            "the upstream MCP server did not answer within {} s",
            timeout.as_secs()
        ),
        None,
    ))
}

/// The audit outcome of a forwarded call.
fn outcome_of<T: Answer>(answered: &Result<T, Failure>) -> CallOutcome {
    match answered {
        Ok(answered) if answered.is_error() => CallOutcome::Error,
        Ok(_) => CallOutcome::Ok,
        Err(Failure::Answered(_)) => CallOutcome::Error,
        Err(Failure::TimedOut(_)) => CallOutcome::Timeout,
        Err(Failure::Broken(_)) => CallOutcome::Unavailable,
    }
}

/// The handle and answers of a call that answers questions, if it does.
fn resumed(state: &Option<String>, responses: &Option<InputResponses>) -> Option<Resumed> {
    state.clone().map(|state| (state, responses.clone()))
}

/// Whether the request's client may be asked the upstream's questions as
/// `input_required` results: a client of 2026-07-28 or later (no session)
/// that says it can answer some.
fn may_be_asked(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|version| version.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
        && context.meta.client_capabilities().is_some_and(|can| {
            can.sampling.is_some() || can.elicitation.is_some() || can.roots.is_some()
        })
}

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
