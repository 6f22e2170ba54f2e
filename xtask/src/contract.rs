//! The contract between Rust and the UI, checked from the files themselves:
//! every command is granted and called, and every generated binding is used.

use crate::workspace;
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A command of `src-tauri/app-commands.rs` (which both registers and
/// declares it) that is not granted in `capabilities/` or not called from
/// the UI, or a grant of a command that does not exist.
pub fn commands_agree() -> Result<()> {
    let root = workspace::root();
    let commands = listed_commands(&root.join("src-tauri/app-commands.rs"))?;
    let granted = granted_commands(&root.join("src-tauri/capabilities"))?;
    let sources = ui_sources(&root.join("ui/src"))?;
    let mut problems = Vec::new();
    for command in &commands {
        if !granted.contains(command) {
            problems.push(format!(
                "`{command}` is not granted in src-tauri/capabilities/"
            ));
        }
        let quoted = format!("\"{command}\"");
        if !sources.values().any(|text| text.contains(&quoted)) {
            problems.push(format!("`{command}` is never called from ui/src"));
        }
    }
    for command in granted.difference(&commands) {
        problems.push(format!(
            "`{command}` is granted in src-tauri/capabilities/ but is no command of app-commands.rs"
        ));
    }
    report(problems, "the app's commands and the UI disagree")
}

/// A file of `ui/src/bindings` that no UI code imports, directly or through
/// another binding it imports: a type generated for nobody.
pub fn bindings_used() -> Result<()> {
    let root = workspace::root();
    let bindings_dir = root.join("ui/src/bindings");
    let sources = ui_sources(&root.join("ui/src"))?;
    let mut bindings = BTreeMap::new();
    for entry in std::fs::read_dir(&bindings_dir)
        .with_context(|| format!("reading {}", bindings_dir.display()))?
    {
        let path = entry?.path();
        if let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) {
            let text = std::fs::read_to_string(&path)?;
            bindings.insert(name, imports_of(&text));
        }
    }
    let mut used = BTreeSet::new();
    let mut pending: Vec<String> = sources
        .iter()
        .filter(|(path, _)| !path.starts_with(&bindings_dir))
        .flat_map(|(_, text)| imports_of(text))
        .filter(|import| import.contains("bindings/"))
        .filter_map(|import| import.rsplit('/').next().map(str::to_owned))
        .collect();
    while let Some(name) = pending.pop() {
        if used.insert(name.clone())
            && let Some(imports) = bindings.get(&name)
        {
            pending.extend(
                imports
                    .iter()
                    .filter_map(|import| import.rsplit('/').next().map(str::to_owned)),
            );
        }
    }
    let problems = bindings
        .keys()
        .filter(|name| !used.contains(*name))
        .map(|name| {
            format!("ui/src/bindings/{name}.ts is imported by no UI code: stop exporting it")
        })
        .collect();
    report(problems, "generated bindings are unused")
}

fn report(problems: Vec<String>, what: &str) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    bail!("{what}:\n  {}", problems.join("\n  "))
}

/// The command names of `app_commands! { module::command, … }`.
fn listed_commands(path: &Path) -> Result<BTreeSet<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let body = text
        .split_once("app_commands! {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(body, _)| body)
        .with_context(|| format!("{} has no `app_commands! {{ … }}`", path.display()))?;
    Ok(body
        .split(',')
        .filter_map(|entry| {
            entry
                .trim()
                .rsplit_once("::")
                .map(|(_, name)| name.to_owned())
        })
        .collect())
}

/// The app commands that `allow-<command>` permissions grant, in every capability file.
fn granted_commands(dir: &Path) -> Result<BTreeSet<String>> {
    let mut granted = BTreeSet::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let text = std::fs::read_to_string(&path)?;
            let capability: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()))?;
            let permissions = capability["permissions"].as_array().into_iter().flatten();
            granted.extend(
                permissions
                    .filter_map(serde_json::Value::as_str)
                    .filter_map(|permission| permission.strip_prefix("allow-"))
                    .map(|command| command.replace('-', "_")),
            );
        }
    }
    Ok(granted)
}

/// Every TypeScript file of the UI except tests, by path.
fn ui_sources(dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut sources = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                if name != "test" {
                    pending.push(path);
                }
            } else if (name.ends_with(".ts") || name.ends_with(".tsx")) && !name.contains(".test.")
            {
                let text = std::fs::read_to_string(&path)?;
                sources.insert(path, text);
            }
        }
    }
    Ok(sources)
}

/// The module paths a TypeScript file imports (`from "…"`).
fn imports_of(text: &str) -> Vec<String> {
    text.split("from \"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(path, _)| path.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{imports_of, listed_commands};

    #[test]
    fn the_command_list_is_read_as_the_macro_reads_it() -> anyhow::Result<()> {
        let dir = tempfile_dir()?;
        let path = dir.join("app-commands.rs");
        std::fs::write(
            &path,
            "// a comment, with a comma\napp_commands! {\n    app::app_info,\n    keys::key_roll,\n}\n",
        )?;
        let commands = listed_commands(&path)?;
        assert_eq!(
            commands.into_iter().collect::<Vec<_>>(),
            ["app_info", "key_roll"]
        );
        Ok(())
    }

    #[test]
    fn imports_are_the_paths_after_from() {
        let text = "import type { A } from \"../bindings/A\";\nimport { b } from \"./b\";\n";
        assert_eq!(imports_of(text), ["../bindings/A", "./b"]);
    }

    fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
        let dir = std::env::temp_dir().join(format!("xtask-contract-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}
