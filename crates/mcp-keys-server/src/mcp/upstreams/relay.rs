//! A client's request relayed upstream: its progress token followed, its
//! cancellation (or the end of waiting) passed on.

use std::sync::PoisonError;

use rmcp::model::{CancelledNotificationParam, ClientRequest, RequestId, ServerResult};
use rmcp::service::{Peer, PeerRequestOptions, RequestContext, ServiceError};
use rmcp::{RoleClient, RoleServer};

use super::rounds::Answer;
use super::{Downstream, InFlight, Lease};

/// Sends `request` upstream: the client's progress token is followed (the
/// upstream's progress reaches the client under it), and the client's
/// cancellation, or the end of waiting, cancels it upstream.
pub async fn relay(
    lease: &Lease,
    request: ClientRequest,
    context: &RequestContext<RoleServer>,
) -> Result<ServerResult, ServiceError> {
    let handle = lease
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await?;
    let _in_flight = lease.downstream().map(|downstream| {
        InFlightGuard::new(
            downstream,
            handle.progress_token.clone(),
            InFlight {
                request: context.id.clone(),
                progress: context.meta.get_progress_token(),
            },
        )
    });
    let mut cancel = CancelOnDrop {
        peer: handle.peer.clone(),
        id: Some(handle.id.clone()),
    };
    let answered = tokio::select! {
        answered = handle.await_response() => answered,
        () = context.ct.cancelled() => return Err(ServiceError::Cancelled {
            reason: Some("cancelled by the client".to_owned()),
        }),
    };
    cancel.id = None;
    answered
}

/// A client request in flight upstream, known to the session's relay while
/// it lasts.
struct InFlightGuard {
    downstream: Downstream,
    token: rmcp::model::ProgressToken,
}

impl InFlightGuard {
    fn new(
        downstream: &Downstream,
        token: rmcp::model::ProgressToken,
        in_flight: InFlight,
    ) -> Self {
        downstream
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token.clone(), in_flight);
        Self {
            downstream: downstream.clone(),
            token,
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.downstream
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.token);
    }
}

/// Sends `request` upstream for a call that may wait parked between its
/// client's requests: the answer to come, and what cancels the request
/// upstream if it is dropped unanswered.
pub async fn send(
    lease: &Lease,
    request: ClientRequest,
) -> Result<(Answer, CancelOnDrop), ServiceError> {
    let handle = lease
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await?;
    let cancel = CancelOnDrop {
        peer: handle.peer.clone(),
        id: Some(handle.id.clone()),
    };
    Ok((Box::pin(handle.await_response()), cancel))
}

/// Tells the upstream to stop a request nobody waits for any more (the
/// client cancelled it, or the time limit passed).
pub struct CancelOnDrop {
    peer: Peer<RoleClient>,
    id: Option<RequestId>,
}

impl CancelOnDrop {
    /// The request was answered: nothing to cancel.
    pub fn disarm(mut self) {
        self.id = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let peer = self.peer.clone();
            tokio::spawn(async move {
                let _ = peer
                    .notify_cancelled(CancelledNotificationParam::new(
                        Some(id),
                        Some("the gateway's client stopped waiting".to_owned()),
                    ))
                    .await;
            });
        }
    }
}
