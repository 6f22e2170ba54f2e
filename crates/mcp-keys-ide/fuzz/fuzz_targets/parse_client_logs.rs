//! Feeds arbitrary bytes, read lossily as a log's tail is, to the parsers
//! of the clients' own logs (DESIGN §10): Claude Code's JSONL, Copilot's
//! process log, and Codex's rows, one row a line. Checks that nothing
//! panics, that no parser makes more events than it was given lines or
//! rows, and that Codex's events come out in time order.

#![no_main]

use libfuzzer_sys::fuzz_target;

use mcp_keys_ide::logs::codex::{self, LogRow};
use mcp_keys_ide::logs::{claude_code, copilot};

/// The targets a row can have: the two the pairing reads, and another.
const TARGETS: [&str; 3] = [
    "rmcp::transport::worker",
    "codex_mcp::rmcp_client",
    "codex_core::codex",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count();

    let events = claude_code::parse(&text, Some("docs"));
    assert!(events.len() <= lines);
    // The server's name comes from the folder, never from a line.
    assert!(
        events
            .iter()
            .all(|event| event.server.as_deref() == Some("docs"))
    );
    assert!(
        claude_code::parse(&text, None)
            .iter()
            .all(|event| event.server.is_none())
    );

    assert!(copilot::parse(&text).len() <= lines);

    // Each line a row: its first byte picks the target and the process and
    // spreads the time over valid and impossible values.
    let rows: Vec<LogRow> = text
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let first = line.bytes().next().unwrap_or_default();
            let id = i64::try_from(index).unwrap_or(i64::MAX);
            LogRow {
                id,
                ts: (i64::from(first) - 100) * 100_000_000_000 + id,
                ts_nanos: i64::from(first) * 10_000_000 - 100_000_000,
                target: TARGETS[usize::from(first) % TARGETS.len()].to_owned(),
                process_uuid: (first % 4 != 0).then(|| format!("pid:{}:x", first % 3)),
                body: line.to_owned(),
            }
        })
        .collect();
    let events = codex::events(&rows);
    assert!(events.len() <= rows.len());
    assert!(events.windows(2).all(|pair| pair[0].at <= pair[1].at));
});
