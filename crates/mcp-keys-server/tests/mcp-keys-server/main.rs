//! Integration tests of the key service: real HTTP on 127.0.0.1, real
//! SQLite files and a real PostgreSQL server, one module per area.

mod browser;
mod connections;
mod daily_limit;
mod embedded;
mod events;
mod gateway;
mod identity;
mod keys;
mod limits;
mod logs;
mod management_auth;
mod mcp;
mod oauth;
#[cfg(feature = "postgres")]
mod postgres;
mod products;
mod revocation_race;
mod support;
mod surfaces;
mod tokens;
mod verify;
