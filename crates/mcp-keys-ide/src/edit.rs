//! Safe in-place edits of IDE configs: replace a key (rotation), move a
//! plaintext key to an environment-variable reference, add a `.gitignore`
//! entry.
//!
//! Guarantees, in order:
//! 1. The file is parsed first; nothing is written to a file that does not
//!    parse.
//! 2. Only the key's bytes change: the new text is the old text with the
//!    span replaced, so comments, formatting, key order and line endings
//!    stay by construction.
//! 3. The result is parsed again and must hold the new value at the same
//!    place of the same server before it is written.
//! 4. A restorable copy of the old file goes to the backup folder the caller
//!    gives (the app's data dir, `backups/`), mode 0600, named after the
//!    file and the time: `<file name>.<UTC time>.<hash of path>.bak`.
//! 5. The write is atomic: a temporary file in the same folder, fsync,
//!    permissions copied, rename over the target, fsync of the folder. A
//!    symlinked config is written at its target, so the link stays.
//! 6. The content is hashed when read and again just before the rename; if
//!    another program changed the file in between, nothing is written.

mod atomic;

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mcp_keys_core::{ApiKey, Fingerprint, find_candidates};

pub(crate) use atomic::narrow_if_world_readable;
pub use atomic::{content_hash, prune_backups, write_atomic};

use crate::extract::{Found, ServerItem, extract_from, is_variable_name};
use crate::registry::{self, ClientSpec, Location};
use crate::scan::Occurrence;
use crate::{ClientId, Error, Format, Result, syntax};

/// Which config to edit and how to read it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The client (its registry entry says where servers are).
    pub client: ClientId,
    /// The index of the location in the client's registry entry.
    pub location: usize,
    /// The config path as found (may be a symlink).
    pub path: PathBuf,
}

impl From<&Occurrence> for Target {
    fn from(occurrence: &Occurrence) -> Self {
        Self {
            client: occurrence.file.client,
            location: occurrence.file.location,
            path: occurrence.file.path.clone(),
        }
    }
}

/// Where backups go and what to report.
#[derive(Debug, Clone, Default)]
pub struct EditOptions {
    /// The folder for restorable copies of edited files (created, 0700).
    pub backup_dir: PathBuf,
    /// When the backups written now may be deleted: the end of the grace
    /// period of the key they hold (after it, the copy holds a dead key and
    /// only a leak risk). `None` keeps them until [`prune_backups`] finds
    /// them older than [`UNDATED_BACKUP_DAYS`].
    pub backup_expires: Option<DateTime<Utc>>,
}

/// How long a backup without an expiry is kept: the longest grace period a
/// roll can have, so the key it holds is dead by then.
pub const UNDATED_BACKUP_DAYS: i64 = 30;

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditOutcome {
    /// The file written (the symlink's target when the path is a link).
    pub written: PathBuf,
    /// The backup of the previous content.
    pub backup: PathBuf,
    /// How many places changed.
    pub replaced: usize,
    /// Where each was, as a JSON Pointer into the file's tree (TOML and
    /// YAML read as their JSON equivalent), one per place, in file order.
    pub places: Vec<String>,
    /// The file was readable by every user and now holds a new key: it was
    /// narrowed to its owner (0600).
    pub tightened: bool,
}

fn spec_and_location(target: &Target) -> Result<(&'static ClientSpec, &'static Location)> {
    let spec = registry::client(target.client)
        .ok_or_else(|| Error::Registry(format!("no entry for {}", target.client)))?;
    let location = spec.locations.get(target.location).ok_or_else(|| {
        Error::Registry(format!(
            "no location {} for {}",
            target.location, target.client
        ))
    })?;
    Ok((spec, location))
}

/// Replaces every occurrence of the key with fingerprint `old` in the file
/// (rotation) by `new_key`. Fails with [`Error::KeyNotFound`] when the file
/// no longer holds the old key.
pub fn replace_key(
    target: &Target,
    old: &Fingerprint,
    new_key: &ApiKey,
    options: &EditOptions,
) -> Result<EditOutcome> {
    let (spec, location) = spec_and_location(target)?;
    let mut found = Vec::new();
    let mut outcome = edit_file(&target.path, location.format, options, true, |text| {
        let items = items(spec, location, text, &target.path)?;
        // Every place of the key in the file, not only the entries the
        // client reads: a shadowed duplicate `mcpServers` (JSON.parse keeps
        // the last) or a second scope in the same file (`projects.<path>`
        // in ~/.claude.json) must not keep the old key either.
        let (places, spans): (Vec<String>, Vec<Range<usize>>) =
            key_places(location.format, text, old, &target.path)?
                .into_iter()
                .unzip();
        if spans.is_empty() {
            return Err(Error::KeyNotFound(target.path.clone()));
        }
        let edited = splice(text, &spans, new_key.expose_secret());
        // The new key must now be where the old one was, in the same servers.
        let after = items_of(spec, location, &edited)
            .ok_or_else(|| Error::EditCheck(target.path.clone()))?;
        let after_places = key_places(
            location.format,
            &edited,
            &new_key.fingerprint(),
            &target.path,
        )?;
        let still_old = !key_places(location.format, &edited, old, &target.path)?.is_empty();
        let same_places = after_places
            .iter()
            .map(|(place, _)| place)
            .eq(places.iter());
        if !same_places || still_old || after.len() != items.len() {
            return Err(Error::EditCheck(target.path.clone()));
        }
        let replaced = places.len();
        found = places;
        Ok((edited, replaced))
    })?;
    outcome.places = found;
    Ok(outcome)
}

/// Every place of the key with fingerprint `fingerprint` in the strings of
/// the file (found in each literal's own bytes, as extraction does): the
/// string's JSON Pointer and the key's byte span.
fn key_places(
    format: Format,
    text: &str,
    fingerprint: &Fingerprint,
    path: &Path,
) -> Result<Vec<(String, Range<usize>)>> {
    let root = syntax::parse(format, text).map_err(|message| Error::Parse {
        path: path.to_path_buf(),
        format: format.as_str(),
        message,
    })?;
    let mut places = Vec::new();
    for (pointer, literal) in root.strings_with_pointers() {
        let raw = text.get(literal.clone()).unwrap_or_default();
        for range in find_candidates(raw) {
            if Fingerprint::of(&raw[range.clone()]) == *fingerprint {
                places.push((
                    pointer.clone(),
                    literal.start + range.start..literal.start + range.end,
                ));
            }
        }
    }
    Ok(places)
}

/// Replaces the plaintext key with fingerprint `old` by a reference to the
/// environment variable `variable`, in the client's own syntax (`${env:X}`
/// for VS Code, Cursor, Windsurf; `${X}` for Claude Code, Gemini CLI,
/// Copilot CLI). The caller must set the variable (the key is not kept).
pub fn move_key_to_env(
    target: &Target,
    old: &Fingerprint,
    variable: &str,
    options: &EditOptions,
) -> Result<EditOutcome> {
    if !is_variable_name(variable) {
        return Err(Error::InvalidVariableName(variable.to_owned()));
    }
    let (spec, location) = spec_and_location(target)?;
    let reference = spec.env_ref_for(variable).ok_or(Error::EnvRefUnsupported {
        client: spec.id.as_str(),
    })?;
    edit_file(&target.path, location.format, options, false, |text| {
        let items = items(spec, location, text, &target.path)?;
        let spans: Vec<Range<usize>> = items
            .iter()
            .filter_map(|item| match &item.found {
                Found::Plaintext { key, span } if key.fingerprint == *old => Some(span.clone()),
                _ => None,
            })
            .collect();
        if spans.is_empty() {
            return Err(Error::KeyNotFound(target.path.clone()));
        }
        let edited = splice(text, &spans, &reference);
        let after = items_of(spec, location, &edited)
            .ok_or_else(|| Error::EditCheck(target.path.clone()))?;
        let references = after
            .iter()
            .filter(|item| matches!(&item.found, Found::EnvReference { variable: name, .. } if name == variable))
            .count();
        let still_old = after.iter().any(
            |item| matches!(&item.found, Found::Plaintext { key, .. } if key.fingerprint == *old),
        );
        if references < spans.len() || still_old {
            return Err(Error::EditCheck(target.path.clone()));
        }
        Ok((edited, spans.len()))
    })
}

/// Adds `/<path relative to dir>` to `dir/.gitignore` (created if missing),
/// unless a line already says so. Keeps the file's line endings.
pub fn add_gitignore_entry(
    dir: &Path,
    config: &Path,
    options: &EditOptions,
) -> Result<EditOutcome> {
    let relative = config
        .strip_prefix(dir)
        .map_err(|_| Error::OutsideProject {
            file: config.to_path_buf(),
            project: dir.to_path_buf(),
        })?;
    let line = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
    let gitignore = dir.join(".gitignore");
    // A linked .gitignore is refused: the write would land wherever the
    // link points (a cloned repository can ship such a link).
    if std::fs::symlink_metadata(&gitignore).is_ok_and(|metadata| !metadata.is_file()) {
        return Err(Error::NotARegularFile(gitignore));
    }
    if !gitignore.exists() {
        atomic::create_new(&gitignore, format!("{line}\n").as_bytes())?;
        return Ok(EditOutcome {
            written: gitignore.clone(),
            backup: gitignore,
            replaced: 1,
            places: Vec::new(),
            tightened: false,
        });
    }
    edit_file(&gitignore, Format::Json, options, false, |text| {
        let present = text
            .lines()
            .any(|existing| existing.trim() == line || existing.trim() == &line[1..]);
        if present {
            return Ok((text.to_owned(), 0));
        }
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let separator = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            newline
        };
        Ok((format!("{text}{separator}{line}{newline}"), 1))
    })
    .map_err(|error| match error {
        // .gitignore is not a config: a parse check does not apply.
        Error::Parse { .. } => Error::EditCheck(gitignore.clone()),
        other => other,
    })
}

/// The items of `text`, or the parse error (nothing is written then).
fn items(
    spec: &ClientSpec,
    location: &Location,
    text: &str,
    path: &Path,
) -> Result<Vec<ServerItem>> {
    let root = syntax::parse(location.format, text).map_err(|message| Error::Parse {
        path: path.to_path_buf(),
        format: location.format.as_str(),
        message,
    })?;
    Ok(extract_from(
        spec,
        location,
        &root,
        text,
        &Default::default(),
    ))
}

fn items_of(spec: &ClientSpec, location: &Location, text: &str) -> Option<Vec<ServerItem>> {
    let root = syntax::parse(location.format, text).ok()?;
    Some(extract_from(
        spec,
        location,
        &root,
        text,
        &Default::default(),
    ))
}

/// `text` with each span (sorted, disjoint) replaced by `replacement`.
pub fn splice(text: &str, spans: &[Range<usize>], replacement: &str) -> String {
    let mut sorted: Vec<&Range<usize>> = spans.iter().collect();
    sorted.sort_by_key(|span| span.start);
    let mut out = String::with_capacity(text.len() + spans.len() * replacement.len());
    let mut cursor = 0;
    for span in sorted {
        if span.start < cursor {
            continue;
        }
        out.push_str(&text[cursor..span.start]);
        out.push_str(replacement);
        cursor = span.end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// Reads the file (through symlinks), lets `change` compute the new text,
/// backs the old one up and writes atomically unless the file changed
/// meanwhile. `change` returning 0 replacements writes nothing. With
/// `private` (the new text holds a key), a file readable by every user is
/// narrowed to its owner.
fn edit_file(
    path: &Path,
    format: Format,
    options: &EditOptions,
    private: bool,
    change: impl FnOnce(&str) -> Result<(String, usize)>,
) -> Result<EditOutcome> {
    let real = std::fs::canonicalize(path).map_err(|source| Error::Io {
        action: "resolving",
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = std::fs::read(&real).map_err(|source| Error::Io {
        action: "reading",
        path: real.clone(),
        source,
    })?;
    // A config that is not UTF-8 is not edited: lossy decoding would change
    // bytes other than the key's.
    let text = String::from_utf8(bytes.clone()).map_err(|_| Error::Parse {
        path: real.clone(),
        format: format.as_str(),
        message: "the file is not UTF-8 text".to_owned(),
    })?;
    let read_hash = content_hash(&bytes);
    let (edited, replaced) = change(&text)?;
    if replaced == 0 {
        return Ok(EditOutcome {
            written: real.clone(),
            backup: real,
            replaced,
            places: Vec::new(),
            tightened: false,
        });
    }
    let backup = atomic::backup(&real, &bytes, &options.backup_dir, options.backup_expires)?;
    write_atomic(&real, edited.as_bytes(), Some(read_hash))?;
    let tightened = private && narrow_if_world_readable(&real)?;
    Ok(EditOutcome {
        written: real,
        backup,
        replaced,
        places: Vec::new(),
        tightened,
    })
}
