//! Calls forwarded to upstreams, as audit events (DESIGN §7): who called
//! (key, client), what (the capability), how it ended and how long it took;
//! never arguments or results.
//!
//! A call is not written where it is made: that would add a database write
//! to every call. Calls go to a bounded queue, and one task per service
//! writes them about once a second, calls alike grouped, in one
//! transaction. When the queue is full (the database is down or far
//! behind), calls are counted as dropped and logged, never waited for.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use crate::Db;
use crate::db::CallGroup;
use crate::time::Timestamp;

/// How many calls may wait to be written.
const QUEUE: usize = 65_536;

/// How long the writer gathers calls before it writes them.
const GATHER: Duration = Duration::from_secs(1);

/// The most calls written in one transaction.
const MAX_BATCH: usize = 16_384;

/// How a forwarded call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallOutcome {
    /// The upstream answered.
    Ok,
    /// The upstream answered with an error (an MCP error, or a tool result
    /// marked as an error).
    Error,
    /// The upstream did not answer in time.
    Timeout,
    /// The upstream could not be started or reached.
    Unavailable,
}

impl CallOutcome {
    /// The name in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
        }
    }
}

/// One forwarded call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The product of the surface.
    pub product_id: String,
    /// The surface.
    pub surface_id: String,
    /// The key that made it.
    pub key_id: String,
    /// The client that made it, as the guard named it.
    pub client: Option<String>,
    /// The tool or prompt name, or the resource URI.
    pub capability: String,
    /// How it ended.
    pub outcome: CallOutcome,
    /// How long it took.
    pub duration: Duration,
    /// When it was made.
    pub at: Timestamp,
}

/// The queue of calls to write, and its writer.
#[derive(Debug)]
pub struct CallLog {
    db: Db,
    sender: mpsc::Sender<Call>,
    /// The receiving end, until the writer takes it (on the first call, so
    /// that a service that forwards nothing runs no task).
    receiver: Mutex<Option<mpsc::Receiver<Call>>>,
    /// The writer, once started.
    writer: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Tells the writer to write what is queued and end.
    stop: Arc<Notify>,
    dropped: AtomicU64,
}

impl CallLog {
    /// A log of calls written to `db`.
    pub fn new(db: Db) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        Self {
            db,
            sender,
            receiver: Mutex::new(Some(receiver)),
            writer: Mutex::new(None),
            stop: Arc::default(),
            dropped: AtomicU64::new(0),
        }
    }

    /// Queues `call` for writing, without waiting.
    pub fn record(&self, call: Call) {
        if let Some(receiver) = self
            .receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let writer = tokio::spawn(write(self.db.clone(), receiver, Arc::clone(&self.stop)));
            *self.writer.lock().unwrap_or_else(PoisonError::into_inner) = Some(writer);
        }
        if self.sender.try_send(call).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            // Once, then every 10,000: the log must not flood either.
            if dropped % 10_000 == 1 {
                tracing::warn!(dropped, "audit of forwarded calls is behind; calls dropped");
            }
        }
    }
}

impl CallLog {
    /// Writes what is queued and stops the writer: called when the service
    /// stops, before its database is closed. Calls recorded later are
    /// dropped.
    pub async fn stop(&self) {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            self.stop.notify_one();
            let _ = writer.await;
        }
    }
}

/// Writes queued calls until the log is dropped or stopped, then what is
/// left.
async fn write(db: Db, mut receiver: mpsc::Receiver<Call>, stop: Arc<Notify>) {
    let mut batch = Vec::new();
    loop {
        let received = tokio::select! {
            received = receiver.recv_many(&mut batch, MAX_BATCH) => received,
            () = stop.notified() => {
                receiver.close();
                while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
                    write_batch(&db, &mut batch).await;
                }
                return;
            }
        };
        if received == 0 {
            return;
        }
        let deadline = tokio::time::Instant::now() + GATHER;
        while batch.len() < MAX_BATCH {
            let room = MAX_BATCH - batch.len();
            match tokio::time::timeout_at(deadline, receiver.recv_many(&mut batch, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        write_batch(&db, &mut batch).await;
    }
}

/// Writes `batch`, grouped, and empties it.
async fn write_batch(db: &Db, batch: &mut Vec<Call>) {
    let groups = group(batch.drain(..));
    if let Err(error) = db.record_calls(&groups).await {
        tracing::warn!(%error, calls = groups.len(), "could not record forwarded calls");
    }
}

/// Calls alike (key, client, capability, outcome) as one group each.
fn group(calls: impl Iterator<Item = Call>) -> Vec<CallGroup> {
    let mut groups: HashMap<(String, Option<String>, String, CallOutcome), CallGroup> =
        HashMap::new();
    for call in calls {
        let millis = u64::try_from(call.duration.as_millis()).unwrap_or(u64::MAX);
        let key = (
            call.key_id.clone(),
            call.client.clone(),
            call.capability.clone(),
            call.outcome,
        );
        let group = groups.entry(key).or_insert_with(|| CallGroup {
            product_id: call.product_id,
            surface_id: call.surface_id,
            key_id: call.key_id,
            client: call.client,
            capability: call.capability,
            outcome: call.outcome.as_str(),
            count: 0,
            longest_ms: 0,
            first_at: call.at,
        });
        group.count += 1;
        group.longest_ms = group.longest_ms.max(millis);
        group.first_at = group.first_at.min(call.at);
    }
    let mut groups: Vec<_> = groups.into_values().collect();
    groups.sort_by_key(|group| group.first_at);
    groups
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Call, CallLog, CallOutcome, group};
    use crate::api::{EventType, PageRequest};
    use crate::db::EventFilter;
    use crate::{Db, Error, time};

    fn call(capability: &str, outcome: CallOutcome, millis: u64) -> Call {
        Call {
            product_id: "prd".to_owned(),
            surface_id: "srf".to_owned(),
            key_id: "key".to_owned(),
            client: Some("claude-code".to_owned()),
            capability: capability.to_owned(),
            outcome,
            duration: Duration::from_millis(millis),
            at: time::now(),
        }
    }

    #[test]
    fn calls_alike_are_one_group_with_a_count_and_the_longest_duration() {
        let groups = group(
            [
                call("read_file", CallOutcome::Ok, 5),
                call("read_file", CallOutcome::Ok, 40),
                call("read_file", CallOutcome::Timeout, 2000),
                call("write_file", CallOutcome::Ok, 7),
            ]
            .into_iter(),
        );
        let mut seen: Vec<_> = groups
            .iter()
            .map(|group| {
                (
                    group.capability.as_str(),
                    group.outcome,
                    group.count,
                    group.longest_ms,
                )
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            [
                ("read_file", "ok", 2, 40),
                ("read_file", "timeout", 1, 2000),
                ("write_file", "ok", 1, 7)
            ]
        );
    }

    #[tokio::test]
    async fn stopping_writes_what_is_queued_before_the_database_closes() -> Result<(), Error> {
        let db = Db::connect("sqlite::memory:").await?;
        let log = CallLog::new(db.clone());
        for _ in 0..10 {
            log.record(call("read_file", CallOutcome::Ok, 3));
        }
        log.stop().await;
        let page = PageRequest {
            limit: 50,
            after: None,
        };
        let events = db.list_events(&EventFilter::default(), &page).await?.data;
        assert_eq!(events.iter().map(|event| event.count).sum::<u64>(), 10);
        Ok(())
    }

    #[tokio::test]
    async fn queued_calls_reach_the_audit_log_grouped() -> Result<(), Error> {
        let db = Db::connect("sqlite::memory:").await?;
        let log = CallLog::new(db.clone());
        for _ in 0..500 {
            log.record(call("read_file", CallOutcome::Ok, 3));
        }
        log.record(call("read_file", CallOutcome::Error, 9));
        let page = PageRequest {
            limit: 50,
            after: None,
        };
        let mut events = Vec::new();
        for _ in 0..100 {
            events = db.list_events(&EventFilter::default(), &page).await?.data;
            if events.iter().map(|event| event.count).sum::<u64>() == 501 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let seen: Vec<_> = events
            .iter()
            .map(|event| (event.kind, event.outcome.as_deref(), event.count))
            .collect();
        assert!(
            seen.contains(&(EventType::McpCall, Some("ok"), 500)),
            "{seen:?}"
        );
        assert!(
            seen.contains(&(EventType::McpCall, Some("error"), 1)),
            "{seen:?}"
        );
        assert!(
            events
                .iter()
                .all(|event| event.client.as_deref() == Some("claude-code"))
        );
        Ok(())
    }
}
