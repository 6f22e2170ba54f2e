//! Forwarding a request of a surface's client to its upstream: which
//! connection serves it, the time limit, what a failure means for the
//! client, the audit of each call, and the calls of clients of 2026-07-28
//! that wait parked while the upstream asks them something.

use std::time::Instant;

use rmcp::model::{
    CallToolResponse, ClientRequest, ConstString, GetPromptResponse, InputRequiredResult,
    InputResponses, ProtocolVersion, ReadResourceResponse, ResultType, ServerResult,
};
use rmcp::service::{RequestContext, ServiceError};
use rmcp::{ErrorData, RoleServer};
use tokio::sync::mpsc::UnboundedReceiver;

use super::{Caller, Gatewayed, SurfaceTools, caller};
use crate::calls::CallOutcome;
use crate::mcp::upstreams::{
    Lease, Question, Resume, Round, Step, UpstreamError, plain, relay, send,
};

/// An upstream's answer to a forwarded call, which may say it failed.
pub(super) trait Answer {
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
pub(super) fn call_tool_response(result: ServerResult) -> Option<CallToolResponse> {
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
pub(super) fn get_prompt_response(result: ServerResult) -> Option<GetPromptResponse> {
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
pub(super) fn read_resource_response(result: ServerResult) -> Option<ReadResourceResponse> {
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
    pub(super) async fn lease(
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
    pub(super) async fn forward<T: Answer + From<InputRequiredResult>>(
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
    pub(super) async fn upstream_of<M: ConstString + Default>(
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
pub(super) fn resumed(
    state: &Option<String>,
    responses: &Option<InputResponses>,
) -> Option<Resumed> {
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

pub(super) async fn answer_within_time<T>(
    lease: &Lease,
    call: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, ErrorData> {
    within_time(lease, call).await.map_err(Failure::into_error)
}
