//! The file side of an install: create the config or edit it in place,
//! atomically, after the edit passed its check.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use super::{Applied, Change, Refusal, check, json, keep, toml, yaml};
use crate::edit::{content_hash, write_atomic};
use crate::{Error, Format, Result, syntax};

/// The UTF-8 byte-order mark some Windows editors write; kept as it is.
const BOM: &str = "\u{feff}";

/// Where and what to write.
pub struct Target<'a> {
    /// The config, as named (may be a symlink for the global scope).
    pub path: &'a Path,
    /// Its syntax.
    pub format: Format,
    /// What a new file of this client starts with.
    pub new_config: Option<&'a str>,
    /// The project folder the config must stay in, for the project scope.
    pub project: Option<&'a Path>,
    /// The entry holds a key: a file every user can read is narrowed.
    pub private: bool,
    /// The entry.
    pub change: &'a Change<'a>,
}

/// What was done to the file.
pub struct Written {
    /// The file was created.
    pub created_file: bool,
    /// An entry of the same name was replaced.
    pub replaced_entry: bool,
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Creates or edits the config of `target`.
pub fn write(target: &Target<'_>) -> Result<Written> {
    match fs::symlink_metadata(target.path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(target),
        Err(source) => Err(io("reading", target.path)(source)),
        Ok(metadata) => {
            // A dotfile manager may link a user's config; a project's config
            // is the repository's, and a link there is not followed.
            if target.project.is_some() && metadata.file_type().is_symlink() {
                return Err(Error::NotARegularFile(target.path.to_path_buf()));
            }
            let real = fs::canonicalize(target.path).map_err(io("resolving", target.path))?;
            inside_project(target, &real)?;
            if !fs::metadata(&real).is_ok_and(|metadata| metadata.is_file()) {
                return Err(Error::NotARegularFile(target.path.to_path_buf()));
            }
            update(target, &real)
        }
    }
}

/// Writes a new config: the client's starting text with the entry in it.
fn create(target: &Target<'_>) -> Result<Written> {
    let parent = target.path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io("creating", parent))?;
    let folder = fs::canonicalize(parent).map_err(io("resolving", parent))?;
    inside_project(target, &folder)?;
    let start = target.new_config.unwrap_or_default();
    let text = match apply(target.format, start, target.change) {
        Ok(Applied::Added(text) | Applied::Replaced(text)) => text,
        Ok(Applied::Same) => start.to_owned(),
        Err(_) => {
            return Err(Error::Registry(format!(
                "the new config of {} does not parse",
                target.path.display()
            )));
        }
    };
    if !check::verify(target.format, start, &text, target.change) {
        return Err(Error::EditCheck(target.path.to_path_buf()));
    }
    create_private(target.path, text.as_bytes())?;
    Ok(Written {
        created_file: true,
        replaced_entry: false,
    })
}

/// Edits the existing config `real` (the path resolved).
fn update(target: &Target<'_>, real: &Path) -> Result<Written> {
    let bytes = fs::read(real).map_err(io("reading", real))?;
    let read_hash = content_hash(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| Error::Parse {
        path: target.path.to_path_buf(),
        format: target.format.as_str(),
        message: "the file is not UTF-8 text".to_owned(),
    })?;
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => ("", text.as_str()),
    };
    // A file the client created empty gets the starting text of a new one.
    let base = match target.new_config {
        Some(start) if body.trim().is_empty() => start,
        _ => body,
    };
    let refused = |refusal| match refusal {
        Refusal::Parse(message) => Error::Parse {
            path: target.path.to_path_buf(),
            format: target.format.as_str(),
            message,
        },
        Refusal::Layout(problem) => Error::Layout {
            path: target.path.to_path_buf(),
            problem,
        },
    };
    let change = kept(target.format, base, target.change).map_err(refused)?;
    let applied = apply(target.format, base, &change).map_err(refused)?;
    let (edited, replaced_entry) = match applied {
        Applied::Same => {
            return Ok(Written {
                created_file: false,
                replaced_entry: false,
            });
        }
        Applied::Added(edited) => (edited, false),
        Applied::Replaced(edited) => (edited, true),
    };
    if !check::verify(target.format, base, &edited, &change) {
        return Err(Error::EditCheck(target.path.to_path_buf()));
    }
    write_atomic(real, format!("{bom}{edited}").as_bytes(), Some(read_hash))?;
    if target.private {
        crate::edit::narrow_if_world_readable(real)?;
    }
    Ok(Written {
        created_file: false,
        replaced_entry,
    })
}

/// `change` with what it keeps of the entry it replaces in `text`.
fn kept<'a>(format: Format, text: &str, change: &Change<'a>) -> Result<Change<'a>, Refusal> {
    let root = syntax::parse(format, text).map_err(Refusal::Parse)?;
    let old = match format {
        Format::Json | Format::Jsonc => json::existing(text, change),
        Format::Toml => toml::existing(text, change),
        Format::Yaml => yaml::existing(text, &root, change),
    };
    keep::with_kept(change, old.as_ref())
}

/// The entry put into `text`, in the syntax of `format`.
fn apply(format: Format, text: &str, change: &Change<'_>) -> Result<Applied, Refusal> {
    // Parsed by the scan's own parser first: the same verdict on a broken
    // file, and its depth limit before any recursive editor sees the text.
    let root = syntax::parse(format, text).map_err(Refusal::Parse)?;
    match format {
        Format::Json | Format::Jsonc => json::apply(text, change),
        Format::Toml => toml::apply(text, change),
        Format::Yaml => yaml::apply(text, &root, change),
    }
}

/// For the project scope, `path` (resolved) must be inside the project.
fn inside_project(target: &Target<'_>, path: &Path) -> Result<()> {
    let Some(project) = target.project else {
        return Ok(());
    };
    let root = fs::canonicalize(project).map_err(io("resolving", project))?;
    if path.starts_with(&root) {
        Ok(())
    } else {
        Err(Error::OutsideProject {
            file: path.to_path_buf(),
            project: root,
        })
    }
}

/// Creates `path` with `contents`, readable by its owner only; fails with
/// [`Error::ConcurrentChange`] when another program created it meanwhile.
fn create_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            Error::ConcurrentChange(path.to_path_buf())
        } else {
            io("creating", path)(source)
        }
    })?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(io("writing", path));
    if written.is_err() {
        // Best effort: a half-written config would not parse.
        let _ = fs::remove_file(path);
    }
    written?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes the creation in `dir` durable. Windows has no directory handles to
/// sync.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|handle| handle.sync_all())
            .map_err(io("syncing folder", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
