//! `key_in_argv`: a plaintext key in a server's `args` (Claude Desktop's
//! `npx mcp-remote URL --header "Authorization: Bearer mcp_…"`). A command
//! line is readable by every local process and user while the server runs
//! (`ps`, `/proc/PID/cmdline`), and process listings end up in crash reports
//! and monitoring.
//!
//! A warning, like `config_world_readable`, which is the same exposure (every
//! local user): a leak waiting to happen, not one known to have happened,
//! and the client still works.

use super::finding;
use crate::extract::{Found, KeyKind};
use crate::lookup::KeyLookup;
use crate::scan::Collected;
use crate::shell::quote;
use crate::{Finding, FindingCode, Severity};

/// One finding per plaintext key in the arguments of a server.
pub(super) fn keys_in_argv(
    collected: &Collected,
    lookup: &dyn KeyLookup,
    findings: &mut Vec<Finding>,
) {
    for occurrence in &collected.occurrences {
        let Found::Plaintext { key, .. } = &occurrence.item.found else {
            continue;
        };
        // `args.3`, and Zed's `command.args.3`.
        if !occurrence.item.field.split('.').any(|part| part == "args") {
            continue;
        }
        let known = matches!(key.kind, KeyKind::Valid(_))
            .then(|| lookup.lookup(&key.fingerprint))
            .flatten();
        let (key_id, surface) = known.as_ref().map_or(("KEY_ID", "SURFACE_ID"), |known| {
            (known.key_id.as_str(), known.surface_id.as_str())
        });
        let client = occurrence.file.client;
        let server = &occurrence.item.server_name;
        let prefix = &key.key_prefix;
        findings.push(finding(
            Severity::Warning,
            FindingCode::KeyInArgv,
            occurrence,
            Some(prefix),
            format!(
                "The key {prefix} is in the arguments of server \"{server}\" of {client}: while it runs, every process and user of this machine can read its command line (ps, /proc/PID/cmdline)."
            ),
            format!(
                "Treat the key as exposed and replace it with one no command line holds: mcp-keys keys create {surface} --name {} --install {client} --server-name {} puts a new key in the OS keyring and points this server at it (mcp-keys keys install KEY_ID --client {client} does so for a key MCP Keys already keeps in a slot); then revoke this one (mcp-keys keys revoke {key_id}). To keep mcp-remote, pass the header through its environment instead: \"--header\", \"Authorization:${{AUTH_HEADER}}\" in args and \"env\": {{\"AUTH_HEADER\": \"Bearer …\"}} (the key stays in this file, but off the command line).",
                quote(&format!("{client} {server}")),
                quote(server)
            ),
        ));
    }
}
