//! What the tests of this crate, of the crates built on it and the bench
//! start again and again (`test-support` feature): a key service on a free
//! loopback port with its first management token, and a throwaway
//! PostgreSQL cluster.

mod cluster;
mod service;

pub use cluster::Cluster;
pub use service::TestService;
