//! Running a command, echoing it first, and failing with its name when it
//! fails: the builds, installs and `strip` runs of the suites.

use anyhow::{Context, Result, bail};
use std::process::Command;

/// Echoes and runs `command`, failing unless it exits with status 0.
pub fn run(command: &mut Command) -> Result<()> {
    eprintln!("$ {}", describe(command));
    let status = command
        .status()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(command));
    }
    Ok(())
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
