//! One message from the client: POSTed to the endpoint, and whatever the
//! server answers (a JSON body, or an event stream of messages ending with
//! the answer) written to stdout.

use std::time::Instant;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Response, StatusCode};

use super::endpoint::{Endpoint, SESSION_HEADER};
use super::failure::{Failure, Refusal};
use super::message::{Kind, Message, outgoing, protocol_version};
use super::sse::EventStream;

/// What a POST accepts: the server picks a JSON body or an event stream.
const POST_ACCEPT: &str = "application/json, text/event-stream";

impl Endpoint {
    /// Forwards `message` and writes what comes back; whether it went
    /// through. A request that fails is answered with a JSON-RPC error; any
    /// other message that fails is logged (there is nobody to answer).
    pub(crate) async fn forward(&self, message: Message) -> bool {
        let started = Instant::now();
        let outcome = self.exchange(&message).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(()) => {
                tracing::trace!(elapsed_ms, "message forwarded");
                return true;
            }
            Err(failure) => match message.request_id() {
                Some(id) => {
                    tracing::debug!(error = %failure, elapsed_ms, "request failed");
                    self.write(failure.answer(id)).await;
                }
                None => tracing::warn!(error = %failure, "a message to the MCP server was lost"),
            },
        }
        false
    }

    async fn exchange(&self, message: &Message) -> Result<(), Failure> {
        let initialize = message.kind == Kind::Initialize;
        if initialize {
            // A new handshake opens a new session: the old one's headers
            // would make the server refuse it.
            self.update_session(|session| *session = Default::default());
        }
        let session = self.session();
        let response = self
            .send(|authorization| {
                let request = self
                    .http()
                    .post(self.url().clone())
                    .header(AUTHORIZATION, authorization.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .header(ACCEPT, POST_ACCEPT)
                    .body(message.body.clone());
                session.apply(request)
            })
            .await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND && session.id.is_some() {
            return Err(Failure::SessionExpired);
        }
        if !status.is_success() {
            return Err(Failure::Status(Box::new(Refusal::read(response).await)));
        }
        if initialize && let Some(id) = response.headers().get(SESSION_HEADER) {
            let id = id.clone();
            self.update_session(|session| session.id = Some(id));
        }
        if status == StatusCode::ACCEPTED || status == StatusCode::NO_CONTENT {
            return Ok(());
        }
        let answered = if is_event_stream(&response) {
            self.relay_stream(message, response).await?
        } else {
            let body = response
                .bytes()
                .await
                .map_err(|error| Failure::unreachable(self.url(), &error))?;
            let text = String::from_utf8_lossy(&body);
            !text.trim().is_empty() && self.relay(message, &text).await
        };
        match message.request_id() {
            Some(_) if !answered => Err(Failure::Protocol(
                "the server's answer held no JSON-RPC response to this request".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Writes each message of an event stream until the one that answers
    /// `message` (after which the server ends the stream); whether it came.
    async fn relay_stream(
        &self,
        message: &Message,
        mut response: Response,
    ) -> Result<bool, Failure> {
        let mut events = EventStream::default();
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return Ok(false),
                Err(error) => return Err(Failure::unreachable(self.url(), &error)),
            };
            for data in events.push(&chunk) {
                if self.relay(message, &data).await {
                    return Ok(true);
                }
            }
        }
    }

    /// Writes one message from the server; whether it is the answer to
    /// `message`. The answer to `initialize` sets the protocol revision
    /// before the client can see it and send the next request.
    async fn relay(&self, message: &Message, text: &str) -> bool {
        let Some(outgoing) = outgoing(text) else {
            if !text.trim().is_empty() {
                tracing::warn!("the MCP server sent a message that is not JSON; it was skipped");
            }
            return false;
        };
        let answered = message
            .request_id()
            .is_some_and(|id| outgoing.answers.as_ref() == Some(id));
        if answered
            && message.kind == Kind::Initialize
            && let Some(version) = protocol_version(&outgoing.line)
            && let Ok(version) = HeaderValue::from_str(&version)
        {
            self.update_session(|session| session.protocol_version = Some(version));
        }
        self.write(outgoing.line).await;
        answered
    }
}

/// Whether `response` is an event stream (else it is taken as JSON).
pub(crate) fn is_event_stream(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
}
