//! The server's own event stream (`GET` on the endpoint): its requests and
//! notifications to the client (sampling, elicitation, roots, list changes)
//! arrive there and go to stdout; the client's answers come back on stdin
//! and are POSTed like any other message.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION};

use super::endpoint::Endpoint;
use super::failure::{Failure, Refusal};
use super::message::outgoing;
use super::post::is_event_stream;
use super::sse::EventStream;

/// The wait before the first reconnection; it doubles after each failure.
const FIRST_WAIT: Duration = Duration::from_millis(500);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

impl Endpoint {
    /// Keeps the server's event stream open and relays it, reconnecting
    /// with a growing wait (and `Last-Event-ID`, so the server can replay
    /// what was missed) until the server says it has none (405), the
    /// session is gone (404) or another client error says asking again is
    /// pointless. Runs until then or until the bridge aborts it.
    pub(crate) async fn listen(&self) {
        let mut wait = FIRST_WAIT;
        let mut last_event_id = None;
        let mut failing = false;
        loop {
            let session = self.session();
            let opened = Instant::now();
            let outcome = self
                .send(|authorization| {
                    let mut request = self
                        .http()
                        .get(self.url().clone())
                        .header(AUTHORIZATION, authorization.clone())
                        .header(ACCEPT, "text/event-stream");
                    if let Some(id) = &last_event_id {
                        request = request.header("last-event-id", id);
                    }
                    session.apply(request)
                })
                .await;
            let problem = match outcome {
                Ok(response) if response.status() == StatusCode::METHOD_NOT_ALLOWED => {
                    tracing::debug!("the MCP server offers no event stream of its own");
                    return;
                }
                Ok(response)
                    if response.status() == StatusCode::NOT_FOUND && session.id.is_some() =>
                {
                    tracing::warn!("{}", Failure::SessionExpired);
                    return;
                }
                Ok(response) if response.status().is_success() && is_event_stream(&response) => {
                    failing = false;
                    if self.relay_events(response, &mut last_event_id).await
                        || opened.elapsed() >= LONGEST_WAIT
                    {
                        wait = FIRST_WAIT;
                    }
                    tracing::debug!("the MCP server's event stream ended; reconnecting");
                    None
                }
                Ok(response) if gives_up_on(response.status()) => {
                    let refusal = Refusal::read(response).await;
                    tracing::warn!(%refusal, "the MCP server refused its event stream for good");
                    return;
                }
                Ok(response) => Some(Failure::Status(Box::new(Refusal::read(response).await))),
                Err(failure) => Some(failure),
            };
            if let Some(failure) = problem {
                // Said once per outage, not at every attempt.
                if failing {
                    tracing::debug!(error = %failure, "the event stream is still unavailable");
                } else {
                    tracing::warn!(error = %failure, "the event stream is unavailable; retrying");
                }
                failing = true;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    }

    /// Writes every message of the stream until it ends; whether any came.
    async fn relay_events(
        &self,
        mut response: reqwest::Response,
        last_event_id: &mut Option<String>,
    ) -> bool {
        let mut events = EventStream::default();
        let mut relayed = false;
        while let Ok(Some(chunk)) = response.chunk().await {
            for data in events.push(&chunk) {
                match outgoing(&data) {
                    Some(message) => {
                        self.write(message.line).await;
                        relayed = true;
                    }
                    None if data.trim().is_empty() => {}
                    None => tracing::warn!(
                        "the MCP server sent a message that is not JSON; it was skipped"
                    ),
                }
            }
            if let Some(id) = events.last_event_id() {
                *last_event_id = Some(id.to_owned());
            }
        }
        relayed
    }
}

/// Whether `status` says that asking again will not help: a client error
/// other than a refused key (which a key replaced in the keyring fixes), a
/// timeout or a rate limit. Server errors and lost connections pass.
fn gives_up_on(status: StatusCode) -> bool {
    status.is_client_error()
        && !matches!(
            status,
            StatusCode::UNAUTHORIZED
                | StatusCode::FORBIDDEN
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::TOO_MANY_REQUESTS
        )
}
