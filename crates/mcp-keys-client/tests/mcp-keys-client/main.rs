//! Integration tests of mcp-keys-client: real HTTP on 127.0.0.1 against a
//! real key service (mcp-keys-server in-process, in-memory SQLite), and
//! small axum servers where a real one cannot show the case (a server
//! without our extensions, standing in for Runtype; a failing upstream).

mod bridge;
mod errors;
mod keys;
mod oauth;
mod pagination;
mod products;
mod retries;
mod runtype;
mod support;
mod surfaces;
