//! MCP Keys IDE support: which IDE config uses which key, why a client would
//! get 401 or 403, and safe in-place edits of those configs.
//!
//! - [`registry`]: the clients, their config paths on each OS, formats and
//!   where a key sits, as data (`registry/clients.json`).
//! - [`discover`]: the known paths under a home folder and in project
//!   folders (given, or recorded by the clients); never a walk of the home.
//! - [`collect`] / [`scan`]: parse JSON, JSONC, TOML and YAML, find `mcp_`
//!   keys and environment-variable references with their exact byte spans;
//!   statuses come from a [`KeyLookup`] the caller fills from the key
//!   service (`POST /v1/keys/identify`) and its cache.
//! - [`doctor`]: the findings of DESIGN §5, each with a message and a fix.
//! - [`snippet`]: a ready-to-paste config per client for one endpoint,
//!   written from the registry.
//! - [`edit`]: replace a key, move it to a variable reference, add a
//!   `.gitignore` entry; atomic, backed up, only the key's bytes change.
//! - [`logs`]: the recent end of the clients' own MCP logs, parsed into
//!   authentication events (DESIGN §10).
//! - [`install`]: put a server entry that names a keyring slot (or, when
//!   asked, holds the key) into a client's config, keeping the rest of the
//!   file byte for byte (DESIGN §8).
//!
//! No key text is ever logged, printed or kept beyond the file it is in:
//! occurrences carry a prefix, a fingerprint and a byte span.

#![deny(missing_docs)]

mod copies;
mod discover;
mod doctor;
pub mod edit;
mod env_files;
mod error;
mod extract;
mod finding;
pub mod install;
pub mod logs;
mod lookup;
pub mod registry;
mod scan;
mod shell;
pub mod snippet;
mod syntax;

pub use copies::{CopiedKey, find_copied_keys};
pub use discover::{
    ConfigFile, DEFAULT_MAX_FILE_SIZE, DiscoverOptions, Discovery, WatchPlan, discover,
};
pub use doctor::{
    DoctorReport, GitFacts, ServiceFailure, client_log_findings, doctor, sort_findings,
};
pub use env_files::{Assignment, assignments};
pub use error::{Error, Result};
pub use extract::{
    Found, KeyFacts, KeyKind, ServerItem, SlotKey, SlotVia, extract, is_variable_name,
};
pub use finding::{Finding, FindingCode, FindingDetail, FixAction, Severity};
pub use install::{
    AfterRoll, InstallRequest, Installed, Via, after_roll, config_path_for, default_via, install,
    mechanisms, slot_env_var,
};
pub use lookup::{KeyLookup, KnownKey, NoLookup, SurfaceFacts, SurfaceStatus};
pub use registry::{ClientId, Format, Os, Scope};
pub use scan::{
    ByteSpan, Collected, KeyStatus, KeyStorage, Occurrence, ScanEntry, ScanReport, collect,
    key_status, scan,
};
pub use syntax::{Node, parse};
