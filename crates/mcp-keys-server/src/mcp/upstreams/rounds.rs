//! The upstream's questions to a client of 2026-07-28, which has no session
//! to be asked on: the revision's multi round-trip requests (SEP-2322).
//!
//! Such a client's call goes to a connection of its own for as long as it
//! lasts (one from a small pool per surface, so a question is never put to
//! the wrong client). When the upstream asks (sampling, elicitation, roots),
//! the call answers its client `input_required` with the question and a
//! handle in `requestState`, and waits, parked here, with the upstream's
//! request still open. The client answers by calling again with the handle
//! and its answers; the gateway hands the answers to the upstream and goes
//! on waiting for the upstream's result, or its next question.
//!
//! The handle is random and bound to the key and the capability of the
//! call; a parked call that nobody resumes within the upstream time limit
//! is dropped, which cancels it upstream. Parked calls live in this
//! instance: behind a balancer, a client's retry that reaches another
//! instance is told to call again from the start.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rmcp::ErrorData;
use rmcp::model::{InputRequest, InputRequiredResult, InputResponses, ServerResult};
use rmcp::service::ServiceError;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::Lease;
use super::relay::CancelOnDrop;

/// What starts the handles the gateway puts in `requestState`, so an
/// upstream's own handle (a server of 2026-07-28 asking itself) passes
/// through untouched.
const HANDLE_PREFIX: &str = "mcp-keys-round:";

/// The most calls of one service parked at once.
const MAX_PARKED: usize = 1_000;

/// The upstream's question to the client of the call on a connection.
#[derive(Debug)]
pub struct Question {
    /// Sampling, elicitation or roots.
    pub request: InputRequest,
    /// Where the client's answer goes.
    pub answer: oneshot::Sender<Result<Value, ErrorData>>,
}

/// The call a rounds connection serves now, if any: where the upstream's
/// questions go; and the key whose calls it serves, when it serves one
/// key's only (an upstream whose clients must not share a process).
#[derive(Debug, Clone, Default)]
pub struct Rounds {
    slot: Arc<Mutex<Option<mpsc::UnboundedSender<Question>>>>,
    owner: Option<Arc<str>>,
}

impl Rounds {
    /// The questions of a connection for the calls of `owner` only, or of
    /// any key with `None`.
    pub fn new(owner: Option<&str>) -> Self {
        Self {
            slot: Arc::default(),
            owner: owner.map(Arc::from),
        }
    }

    /// The key whose calls it serves, if one key's only.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// Whether no call has it.
    pub fn is_free(&self) -> bool {
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_none_or(mpsc::UnboundedSender::is_closed)
    }

    /// Takes the connection for one call: its questions from now on.
    /// `None` when another call has it.
    pub fn take(&self) -> Option<mpsc::UnboundedReceiver<Question>> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|sender| !sender.is_closed()) {
            return None;
        }
        let (sender, receiver) = mpsc::unbounded_channel();
        *slot = Some(sender);
        Some(receiver)
    }

    /// Puts `request` to the client of the call this connection serves,
    /// and waits for its answer (or for the upstream to cancel).
    pub async fn ask(
        &self,
        request: InputRequest,
        cancelled: impl Future<Output = ()>,
    ) -> Result<Value, ErrorData> {
        let (answer, answered) = oneshot::channel();
        let sent = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|sender| sender.send(Question { request, answer }).is_ok());
        if !sent {
            return Err(ErrorData::internal_error(
                "no client call is waiting on this connection to be asked",
                None,
            ));
        }
        tokio::select! {
            answered = answered => answered.unwrap_or_else(|_| Err(ErrorData::internal_error(
                "the client's call ended before it answered",
                None,
            ))),
            () = cancelled => Err(ErrorData::internal_error(
                "cancelled by the upstream MCP server",
                None,
            )),
        }
    }
}

/// The upstream's answer to a call, when it comes.
pub type Answer = Pin<Box<dyn Future<Output = Result<ServerResult, ServiceError>> + Send>>;

/// A call of a client without a session, on a rounds connection.
pub struct Round {
    /// Holds the connection (and its process) for the call.
    lease: Lease,
    questions: mpsc::UnboundedReceiver<Question>,
    answer: Answer,
    /// Cancels the call upstream if it is dropped before it is answered.
    cancel: Option<CancelOnDrop>,
    /// The questions put to the client and not answered yet, by the key
    /// they carry in `inputRequests`.
    open: HashMap<String, oneshot::Sender<Result<Value, ErrorData>>>,
    asked: u64,
    /// When the call began, for its audit event.
    pub started: Instant,
}

impl std::fmt::Debug for Round {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Round")
            .field("open", &self.open.len())
            .finish_non_exhaustive()
    }
}

/// Where a call stands after waiting.
#[expect(
    clippy::large_enum_variant,
    reason = "returned once per wait, never stored"
)]
pub enum Step {
    /// The upstream answered (or failed).
    Done(Result<ServerResult, ServiceError>),
    /// The upstream asked the client: what to answer the client now.
    Asked(InputRequiredResult),
}

impl Round {
    /// A call sent upstream on `lease`'s connection, which the call has
    /// taken (`questions`); `cancel` tells the upstream to stop it when
    /// dropped unanswered.
    pub fn new(
        lease: Lease,
        questions: mpsc::UnboundedReceiver<Question>,
        answer: Answer,
        cancel: CancelOnDrop,
        started: Instant,
    ) -> Self {
        Self {
            lease,
            questions,
            answer,
            cancel: Some(cancel),
            open: HashMap::new(),
            asked: 0,
            started,
        }
    }

    /// The connection's lease (its time limit, its failures).
    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Waits for the upstream's answer or its next questions.
    pub async fn next(&mut self) -> Step {
        let question = tokio::select! {
            answer = &mut self.answer => {
                self.answered();
                return Step::Done(answer);
            }
            question = self.questions.recv() => question,
        };
        let Some(question) = question else {
            // The connection went away: its answer says how.
            let answer = (&mut self.answer).await;
            self.answered();
            return Step::Done(answer);
        };
        let mut requests = BTreeMap::new();
        for question in std::iter::once(question).chain(std::iter::from_fn(|| {
            // The questions asked at the same time go out together.
            self.questions.try_recv().ok()
        })) {
            self.asked += 1;
            let key = self.asked.to_string();
            requests.insert(key.clone(), question.request);
            self.open.insert(key, question.answer);
        }
        Step::Asked(InputRequiredResult::new(Some(requests), None))
    }

    /// Nothing to cancel upstream any more.
    fn answered(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel.disarm();
        }
    }

    /// Hands the client's `responses` to the questions they answer; a
    /// question left unanswered is told so.
    pub fn answer(&mut self, responses: Option<InputResponses>) {
        let mut responses = responses.unwrap_or_default();
        for (key, open) in self.open.drain() {
            let answer = responses.remove(&key).ok_or_else(|| {
                ErrorData::invalid_request("the client did not answer the question", None)
            });
            let _ = open.send(answer);
        }
    }
}

/// Calls waiting for their client's answers, by handle.
#[derive(Debug, Default)]
pub struct Parked(Mutex<HashMap<String, ParkedRound>>);

#[derive(Debug)]
struct ParkedRound {
    round: Round,
    /// The key and the capability of the call: only they may resume it.
    owner: (String, String),
    until: Instant,
}

/// Why a call could not be resumed.
#[derive(Debug)]
pub enum Resume {
    /// Not a handle of this gateway: the upstream's own, passed on.
    NotOurs,
    /// Ours, but unknown here: expired, resumed already, another key's, or
    /// parked on another instance.
    Unknown,
}

impl Parked {
    /// Parks `round` of `key_id` calling `capability` for at most `wait`;
    /// its handle for `requestState`. `None` when too many calls wait (the
    /// round is dropped, which cancels it upstream).
    pub fn park(
        &self,
        round: Round,
        key_id: &str,
        capability: &str,
        wait: Duration,
    ) -> Option<String> {
        self.expire();
        let mut parked = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if parked.len() >= MAX_PARKED {
            drop(parked);
            drop(round);
            return None;
        }
        // 122 random bits: a handle cannot be guessed (and only its key
        // may use it).
        let handle = format!("{HANDLE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        parked.insert(
            handle.clone(),
            ParkedRound {
                round,
                owner: (key_id.to_owned(), capability.to_owned()),
                until: Instant::now() + wait,
            },
        );
        Some(handle)
    }

    /// Drops the calls nobody resumed in time, which cancels them upstream
    /// and lets their connections go.
    pub fn expire(&self) {
        let now = Instant::now();
        let expired: Vec<ParkedRound> = {
            let mut parked = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            let handles: Vec<String> = parked
                .iter()
                .filter(|(_, round)| round.until <= now)
                .map(|(handle, _)| handle.clone())
                .collect();
            handles
                .iter()
                .filter_map(|handle| parked.remove(handle))
                .collect()
        };
        // Dropped outside the lock: dropping a round sends a cancellation.
        drop(expired);
    }

    /// The round parked under `handle` for `key_id` calling `capability`.
    pub fn resume(&self, handle: &str, key_id: &str, capability: &str) -> Result<Round, Resume> {
        if !handle.starts_with(HANDLE_PREFIX) {
            return Err(Resume::NotOurs);
        }
        let mut parked = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let owned = parked.get(handle).is_some_and(|round| {
            round.owner.0 == key_id && round.owner.1 == capability && round.until > Instant::now()
        });
        if !owned {
            return Err(Resume::Unknown);
        }
        parked
            .remove(handle)
            .map(|parked| parked.round)
            .ok_or(Resume::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::{HANDLE_PREFIX, Parked, Resume};

    #[test]
    fn a_handle_the_gateway_did_not_make_is_passed_on_and_an_unknown_one_refused() {
        let parked = Parked::default();
        assert!(matches!(
            parked.resume("the-upstream's-own-state", "key", "tool"),
            Err(Resume::NotOurs)
        ));
        assert!(matches!(
            parked.resume(&format!("{HANDLE_PREFIX}0123"), "key", "tool"),
            Err(Resume::Unknown)
        ));
    }
}
