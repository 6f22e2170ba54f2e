//! The accept loop: every connection served by hyper with time limits, and
//! at most a fixed number of connections at once.
//!
//! `axum::serve` has no timeouts: a client that sends half a request, or
//! a body that stalls, would keep its connection (and its task) for ever,
//! and a few hundred of them exhaust the process. Here:
//! - the request head must arrive within `header_read_timeout` (HTTP/1;
//!   idle keep-alive connections are closed the same way);
//! - each request body may pause at most `body_timeout` between chunks
//!   (responses are not limited: an MCP event stream lives long);
//! - past `max_connections`, no further connection is accepted until one
//!   closes (the kernel's backlog holds the rest).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::Config;

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// connections in flight finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.layer(RequestBodyTimeoutLayer::new(config.body_timeout));
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(config.header_read_timeout));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A streamed answer (an MCP session's event stream) is written in
        // several pieces; with Nagle's algorithm each waits for the client's
        // delayed ACK, 40 ms a request.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            // The client address, for the per-address failure limit.
            request.extensions_mut().insert(ConnectInfo(remote));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    tower::ServiceExt::oneshot(app, request.map(Body::new))
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        let first_byte_timeout = config.header_read_timeout;
        tokio::spawn(async move {
            // Telling HTTP/1 from HTTP/2 waits for the first bytes, with no
            // timeout of hyper's: a connection that sends nothing is
            // closed here, after the same time a request head may take.
            let mut first = [0u8; 1];
            match tokio::time::timeout(first_byte_timeout, stream.peek(&mut first)).await {
                Ok(Ok(read)) if read > 0 => {}
                _ => return,
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
