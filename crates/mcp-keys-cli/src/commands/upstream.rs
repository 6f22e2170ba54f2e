//! The `--upstream-*` options of `surfaces create` and `surfaces
//! set-upstream`: the real MCP server a surface fronts (DESIGN §7).
//!
//! Secrets never go on this command line: a credential is named with
//! `--upstream-secret NAME=SECRET`, and the service resolves SECRET where it
//! runs (the OS keyring in the app; the environment or a secrets file on a
//! server).

use std::collections::BTreeMap;
use std::path::PathBuf;

use mcp_keys_core::{Upstream, UpstreamSessions, UpstreamValue};

use crate::exit::CliError;

/// Where a surface's MCP server is.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UpstreamArgs {
    /// A local MCP server speaking stdio, as one command line:
    /// "npx -y @modelcontextprotocol/server-filesystem /srv/notes". Split as
    /// a POSIX shell would (quotes kept together), never run by a shell.
    #[arg(long, value_name = "COMMAND", conflicts_with = "upstream_url")]
    pub upstream_stdio: Option<String>,
    /// A remote MCP server speaking Streamable HTTP.
    #[arg(long, value_name = "URL")]
    pub upstream_url: Option<String>,
    /// The folder the command starts in.
    #[arg(long, value_name = "DIR", requires = "upstream_stdio")]
    pub upstream_cwd: Option<PathBuf>,
    /// A variable of the command's environment, not a secret; repeat for more.
    #[arg(
        long = "upstream-env",
        value_name = "NAME=VALUE",
        requires = "upstream_stdio"
    )]
    pub upstream_env: Vec<String>,
    /// A header sent to the URL, not a secret; repeat for more.
    #[arg(
        long = "upstream-header",
        value_name = "NAME: VALUE",
        requires = "upstream_url"
    )]
    pub upstream_headers: Vec<String>,
    /// A variable (stdio) or header (URL) whose value is the secret named
    /// SECRET where the service runs; repeat for more.
    #[arg(long = "upstream-secret", value_name = "NAME=SECRET")]
    pub upstream_secrets: Vec<String>,
    /// One upstream connection for every client, for servers that keep no
    /// per-client state; by default each client session gets its own.
    #[arg(long)]
    pub upstream_shared: bool,
}

impl UpstreamArgs {
    /// The upstream these options describe, or `None` when none is given.
    pub fn upstream(&self) -> anyhow::Result<Option<Upstream>> {
        let mut values = BTreeMap::new();
        for secret in &self.upstream_secrets {
            let (name, secret_ref) = pair(secret, '=', "--upstream-secret NAME=SECRET")?;
            values.insert(name, UpstreamValue::Secret { secret_ref });
        }
        let upstream = match (&self.upstream_stdio, &self.upstream_url) {
            (Some(line), None) => {
                let mut upstream = Upstream::from_command_line(line)
                    .map_err(|reason| CliError::Usage(format!("--upstream-stdio {reason}")))?;
                for variable in &self.upstream_env {
                    let (name, value) = pair(variable, '=', "--upstream-env NAME=VALUE")?;
                    values.insert(name, UpstreamValue::Plain(value));
                }
                if let Upstream::Stdio {
                    env,
                    cwd,
                    sessions: shared,
                    ..
                } = &mut upstream
                {
                    *env = values;
                    *cwd = self
                        .upstream_cwd
                        .as_ref()
                        .map(std::path::absolute)
                        .transpose()?
                        .map(|path| path.display().to_string());
                    if self.upstream_shared {
                        *shared = UpstreamSessions::Shared;
                    }
                }
                upstream
            }
            (None, Some(url)) => {
                for header in &self.upstream_headers {
                    let (name, value) = pair(header, ':', "--upstream-header \"NAME: VALUE\"")?;
                    values.insert(name, UpstreamValue::Plain(value));
                }
                Upstream::Http {
                    url: url.clone(),
                    headers: values,
                    sessions: if self.upstream_shared {
                        UpstreamSessions::Shared
                    } else {
                        UpstreamSessions::Separate
                    },
                }
            }
            _ if values.is_empty() && !self.upstream_shared => return Ok(None),
            _ => {
                return Err(CliError::Usage(
                    "--upstream-secret and --upstream-shared need --upstream-stdio or \
                     --upstream-url"
                        .to_owned(),
                )
                .into());
            }
        };
        // The service checks again; checking here says what is wrong before
        // anything is sent.
        upstream
            .check()
            .map_err(|reason| CliError::Usage(format!("the upstream is not valid: {reason}")))?;
        Ok(Some(upstream))
    }
}

/// `NAME<separator>VALUE`, both trimmed, the name not empty.
fn pair(text: &str, separator: char, form: &str) -> Result<(String, String), CliError> {
    text.split_once(separator)
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| CliError::Usage(format!("{text:?} is not of the form {form}")))
}

#[cfg(test)]
mod tests {
    use super::UpstreamArgs;
    use mcp_keys_core::{Upstream, UpstreamValue};

    #[test]
    fn a_command_line_is_split_as_a_shell_would_and_secrets_are_references() {
        let args = UpstreamArgs {
            upstream_stdio: Some(
                "npx -y @modelcontextprotocol/server-filesystem '/srv/my notes'".into(),
            ),
            upstream_env: vec!["LOG_LEVEL=debug".into()],
            upstream_secrets: vec!["GITHUB_TOKEN=github-pat".into()],
            ..UpstreamArgs::default()
        };
        let Some(Upstream::Stdio {
            command, args, env, ..
        }) = args.upstream().ok().flatten()
        else {
            panic!("a stdio upstream");
        };
        assert_eq!(command, "npx");
        assert_eq!(
            args,
            [
                "-y",
                "@modelcontextprotocol/server-filesystem",
                "/srv/my notes"
            ]
        );
        assert_eq!(env["LOG_LEVEL"], UpstreamValue::Plain("debug".into()));
        assert_eq!(
            env["GITHUB_TOKEN"],
            UpstreamValue::Secret {
                secret_ref: "github-pat".into()
            }
        );
    }

    #[test]
    fn a_credential_given_as_plain_text_is_refused_before_anything_is_sent() {
        let args = UpstreamArgs {
            upstream_url: Some("https://mcp.example.org/mcp".into()),
            upstream_headers: vec!["Authorization: Bearer abc".into()],
            ..UpstreamArgs::default()
        };
        let error = args.upstream().err().map(|error| error.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|error| error.contains("secretRef")),
            "{error:?}"
        );
        let unclosed = UpstreamArgs {
            upstream_stdio: Some("uvx 'mcp-server-time".into()),
            ..UpstreamArgs::default()
        };
        assert!(unclosed.upstream().is_err());
        assert!(
            UpstreamArgs::default()
                .upstream()
                .is_ok_and(|none| none.is_none())
        );
    }
}
