//! Where the secrets that upstreams name (`{"secretRef": "NAME"}`, DESIGN
//! §7) are read: never from the database. On a server, a secrets file
//! (`serve --secrets-file`) and the environment (`MCP_KEYS_SECRET_<NAME>`);
//! in the desktop app, the OS keyring (the app gives its own source).
//!
//! A secret is read when an upstream starts, so a changed secret applies at
//! the upstream's next start. Its value is never logged, never returned and
//! never part of an error.

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// The prefix of the environment variable that holds secret `NAME` on a
/// server (`MCP_KEYS_SECRET_GITHUB_PAT` for `github-pat`).
const SECRET_VARIABLE_PREFIX: &str = "MCP_KEYS_SECRET_";

/// The largest secrets file read.
const MAX_SECRETS_FILE_BYTES: u64 = 1024 * 1024;

/// A source of upstream secrets.
pub trait UpstreamSecrets: fmt::Debug + Send + Sync {
    /// The secret called `name`, or why it cannot be had, in words for the
    /// person who set the upstream (where to put it), without any value.
    fn secret(&self, name: &str) -> Result<Zeroizing<String>, String>;
}

/// Secrets from `MCP_KEYS_SECRET_<NAME>` variables of the service's
/// environment: the name upper-cased, every character other than a letter
/// or digit as `_`.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvironmentSecrets;

impl UpstreamSecrets for EnvironmentSecrets {
    fn secret(&self, name: &str) -> Result<Zeroizing<String>, String> {
        let variable = secret_variable(name);
        std::env::var(&variable).map(Zeroizing::new).map_err(|_| {
            format!(
                "the secret {name:?} is not set where the key service runs (environment \
                 variable {variable})"
            )
        })
    }
}

/// Secrets from a file of `NAME=value` lines (blank lines and lines that
/// start with `#` are skipped), read again at every upstream start, and
/// then from the environment. The file must be readable by its owner only.
#[derive(Debug, Clone)]
pub struct SecretsFile {
    path: PathBuf,
}

impl SecretsFile {
    /// The secrets file at `path`. It is checked now (it exists, only its
    /// owner may read it, every line is well formed) and read at every use.
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = Self {
            path: path.to_owned(),
        };
        file.read()?;
        Ok(file)
    }

    fn read(&self) -> Result<Vec<(String, Zeroizing<String>)>, String> {
        let shown = self.path.display();
        let metadata = std::fs::metadata(&self.path)
            .map_err(|error| format!("cannot read the secrets file {shown}: {error}"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if metadata.permissions().mode() & 0o077 != 0 {
                return Err(format!(
                    "the secrets file {shown} may be read by others: `chmod 600 {shown}`"
                ));
            }
        }
        if metadata.len() > MAX_SECRETS_FILE_BYTES {
            return Err(format!("the secrets file {shown} is over 1 MiB"));
        }
        let text = Zeroizing::new(
            std::fs::read_to_string(&self.path)
                .map_err(|error| format!("cannot read the secrets file {shown}: {error}"))?,
        );
        parse(&text)
            .map_err(|line| format!("line {line} of the secrets file {shown} is not NAME=value"))
    }
}

impl UpstreamSecrets for SecretsFile {
    fn secret(&self, name: &str) -> Result<Zeroizing<String>, String> {
        let entries = self.read()?;
        match entries.into_iter().find(|(entry, _)| entry == name) {
            Some((_, value)) => Ok(value),
            None => EnvironmentSecrets.secret(name).map_err(|_| {
                format!(
                    "the secret {name:?} is neither in the secrets file {} nor in the \
                     environment variable {}",
                    self.path.display(),
                    secret_variable(name)
                )
            }),
        }
    }
}

/// The entries of a secrets file, or the number of the first bad line.
fn parse(text: &str) -> Result<Vec<(String, Zeroizing<String>)>, usize> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.split_once('=').ok_or(index + 1)?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(index + 1);
        }
        entries.push((name.to_owned(), Zeroizing::new(value.trim().to_owned())));
    }
    Ok(entries)
}

/// The environment variable that holds secret `name` on a server.
pub fn secret_variable(name: &str) -> String {
    let mut variable = SECRET_VARIABLE_PREFIX.to_owned();
    variable.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    variable
}

#[cfg(test)]
mod tests {
    use super::{SecretsFile, UpstreamSecrets as _, parse, secret_variable};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn secret_names_map_to_variables() {
        assert_eq!(secret_variable("github-pat"), "MCP_KEYS_SECRET_GITHUB_PAT");
        assert_eq!(secret_variable("a.b_c"), "MCP_KEYS_SECRET_A_B_C");
    }

    #[test]
    fn a_secrets_file_is_name_value_lines() -> TestResult {
        let entries = parse("# tokens\n\ngithub-pat = ghp_1=2\nnotion=secret_x\n")
            .map_err(|line| format!("line {line}"))?;
        let names: Vec<_> = entries.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["github-pat", "notion"]);
        assert_eq!(entries[0].1.as_str(), "ghp_1=2");
        assert_eq!(parse("a=1\nno equals sign\n").err(), Some(2));
        assert_eq!(parse("two words=1\n").err(), Some(1));
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_secrets_file_others_can_read_is_refused_and_errors_hold_no_value() -> TestResult {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("secrets");
        std::fs::write(&path, "upstream-token=s3cr3t-value\nbroken\n")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        let error = SecretsFile::open(&path).err().unwrap_or_default();
        assert!(error.contains("chmod 600"), "{error}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        let error = SecretsFile::open(&path).err().unwrap_or_default();
        assert!(error.contains("line 2"), "{error}");
        std::fs::write(&path, "upstream-token=s3cr3t-value\n")?;
        let file = SecretsFile::open(&path)?;
        assert_eq!(file.secret("upstream-token")?.as_str(), "s3cr3t-value");
        let missing = file.secret("other").err().unwrap_or_default();
        assert!(missing.contains("MCP_KEYS_SECRET_OTHER"), "{missing}");
        assert!(!missing.contains("s3cr3t"), "{missing}");
        Ok(())
    }
}
