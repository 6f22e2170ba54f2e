//! Where an install writes, and whether its request can be served.

use std::path::{Path, PathBuf};

use super::InstallRequest;
use crate::extract::is_variable_name;
use crate::registry::{self, ClientSpec, Location, Os, Root};
use crate::{Error, Result, Scope};

/// The client's first location of `scope` that names one file, and that
/// file.
pub fn target(
    spec: &'static ClientSpec,
    scope: Scope,
    home: &Path,
    project: Option<&Path>,
) -> Option<(&'static Location, PathBuf)> {
    let os = Os::current();
    let location = spec
        .locations
        .iter()
        .find(|location| location.scope == scope && !location.servers.contains('*'))?;
    let (root, rel) = registry::split_pattern(location.patterns(os).first()?)?;
    if rel.contains('*') {
        return None;
    }
    let base = match root {
        Root::Project => project?.to_path_buf(),
        Root::Home | Root::Config => registry::root_dir(root, home, os)?,
    };
    Some((location, base.join(rel)))
}

pub fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Global => "global",
        Scope::Project => "project",
    }
}

/// The request's names, URL and program are usable in every format and on
/// a command line.
pub fn validate(request: &InstallRequest<'_>) -> Result<()> {
    let invalid = |what, value: &str, problem| {
        Err(Error::InvalidInstall {
            what,
            value: value.to_owned(),
            problem,
        })
    };
    let slot = request.slot;
    let slot_ok = (1..=64).contains(&slot.len())
        && slot
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !slot.starts_with('-');
    if !slot_ok {
        return invalid(
            "slot name",
            slot,
            "is not 1 to 64 lowercase letters, digits and dashes",
        );
    }
    let name = request.server_name;
    if name.trim().is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return invalid(
            "server name",
            name,
            "is empty, has spaces around it or holds a control character",
        );
    }
    let url = request.url;
    let url_ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !url_ok {
        return invalid("URL", url, "is not an http(s) URL without spaces");
    }
    if !is_variable_name(request.env_var) {
        return Err(Error::InvalidVariableName(request.env_var.to_owned()));
    }
    let program = request.program.to_string_lossy();
    if !request.program.is_absolute() || program.chars().any(char::is_control) {
        return invalid(
            "program path",
            &program,
            "is not an absolute path without control characters",
        );
    }
    Ok(())
}
