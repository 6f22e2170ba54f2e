//! Process trees and their memory, from /proc (Linux): an app's own
//! process and the WebKit processes it starts (web content, network), and
//! their proportional set size (PSS), which shares each shared page among
//! the processes that map it, so a sum over processes counts it once.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde::Serialize;

/// One process's share of memory.
#[derive(Debug, Clone, Serialize)]
pub struct Process {
    /// Its name (`comm`: `mcp-keys-deskto`, `WebKitWebProces`, truncated by
    /// the kernel to 15 bytes).
    pub name: String,
    /// PSS, in KiB.
    pub pss_kib: u64,
}

/// The parent of every process now running.
fn parents() -> HashMap<u32, u32> {
    let mut parents = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse().ok())
        else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse().ok());
        if let Some(ppid) = ppid {
            parents.insert(pid, ppid);
        }
    }
    parents
}

/// `root` and every process below it.
pub fn tree(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut found = vec![root];
    let mut index = 0;
    while let Some(&pid) = found.get(index) {
        found.extend(
            parents
                .iter()
                .filter(|&(_, &parent)| parent == pid)
                .map(|(&child, _)| child),
        );
        index += 1;
    }
    found
}

/// The process below `ancestor` that runs `binary`.
pub fn find(ancestor: u32, binary: &Path) -> Option<u32> {
    let binary = binary.canonicalize().ok()?;
    tree(ancestor)
        .into_iter()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}

/// Whether `pid` is still running (a zombie is not).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// `root` and every process below it, with their PSS.
pub fn usage(root: u32) -> Result<Vec<Process>> {
    tree(root)
        .into_iter()
        .filter_map(|pid| {
            // A process that ended meanwhile uses nothing.
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            Some(pss(&rollup).map(|pss_kib| Process {
                name: name.trim().to_owned(),
                pss_kib,
            }))
        })
        .collect::<Result<Vec<_>>>()
        .context("reading /proc/PID/smaps_rollup")
}

/// The `Pss:` line of smaps_rollup, in KiB.
fn pss(rollup: &str) -> Result<u64> {
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow!("no Pss line in smaps_rollup"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_is_read_from_its_own_line_in_kib() {
        let rollup = "55e0-7ffd ---p 00000000 00:00 0 [rollup]\nRss: 2048 kB\nPss:   1234 kB\nPss_Anon: 1000 kB\n";
        assert_eq!(pss(rollup).ok(), Some(1234), "Pss, not Pss_Anon or Rss");
    }

    #[test]
    fn this_process_is_in_its_own_tree_and_alive() {
        let me = std::process::id();
        assert!(tree(me).contains(&me));
        assert!(alive(me));
    }
}
