//! The command line: every subcommand and option, with the help people read.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use mcp_keys_client::AuthMode;

use crate::serve::ServeArgs;

pub const AFTER_HELP: &str = "\
Connection:
  A command talks to --server URL with the token in MCP_KEYS_TOKEN, or to a
  connection saved with `mcp-keys login` (its token is in the OS keyring).

Examples:
  mcp-keys serve --db sqlite://keys.db --init-token-file token
  mcp-keys login --server http://127.0.0.1:7410 < token
  mcp-keys surfaces list
  mcp-keys keys create SURFACE_ID --name \"MCP - Cursor\" > key.txt
  mcp-keys keys revoke KEY_ID --yes
  mcp-keys keys roll KEY_ID --grace 24h --json
  mcp-keys surfaces set-auth-mode SURFACE_ID oauth
  mcp-keys oauth requests
  mcp-keys oauth approve REQUEST_ID --scope search
  mcp-keys reminders --notify

Exit codes:
  0  success                      5  server unreachable
  1  any other failure            6  rate limited
  2  usage error                  7  OS keyring unavailable or locked
  3  not found                    8  the server failed (5xx)
  4  token rejected               9  refused: not confirmed (use --yes)";

/// `mcp-keys --version`: the version and the build (commit and its date).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MCP_KEYS_BUILD"), ")");

/// `mcp-keys`: manage MCP API keys from a terminal, or serve them.
#[derive(Debug, Parser)]
#[command(name = "mcp-keys", version = VERSION, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print JSON on stdout instead of text (lists are a top-level array).
    #[arg(long, global = true)]
    pub json: bool,
    /// The management API to use instead of a saved connection, with the
    /// token in MCP_KEYS_TOKEN (nothing is saved); for `login`, the server
    /// to save.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "MCP_KEYS_SERVER",
        conflicts_with = "connection"
    )]
    pub server: Option<String>,
    /// A saved connection to use instead of the default one (name or id).
    /// With MCP_KEYS_TOKEN set, that token is used instead of the keyring's.
    #[arg(long, global = true, value_name = "NAME")]
    pub connection: Option<String>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the key service: management API and MCP endpoints.
    Serve(ServeArgs),
    /// Save a connection to --server URL: reads the token from stdin (without
    /// echo on a terminal), checks it against the server, and keeps it in the
    /// OS keyring.
    Login(LoginArgs),
    /// Saved connections.
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// Products: the top of products → surfaces → keys.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Surfaces: MCP endpoints whose clients authenticate with keys (or
    /// OAuth, in oauth or both mode).
    #[command(subcommand)]
    Surfaces(SurfacesCommand),
    /// API keys of a surface.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// OAuth clients of surfaces in `oauth` or `both` mode: pending
    /// authorizations to approve or deny, and the grants approved.
    #[command(subcommand)]
    Oauth(OauthCommand),
    /// Management tokens of the key service: list, mint, revoke.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Secrets that surfaces' MCP servers name (`{"secretRef": "NAME"}`),
    /// in the OS keyring, where the desktop app's key service reads them.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Which IDE config uses which key (DESIGN §5). Keys are identified by
    /// the service of `--server`/`--connection`, else every saved connection.
    Scan(IdeArgs),
    /// Why a client would get 401/403, leaked keys, and the fixes; exits 1
    /// when a finding is an error.
    Doctor(IdeArgs),
    /// Keys due for rotation, expiring, or revoked but still in an IDE
    /// config; `--notify` also sends desktop notifications (for cron or a
    /// systemd timer), never one the app already sent today.
    Reminders(crate::commands::reminders::RemindersArgs),
    /// Print `{"Authorization":"Bearer …"}` with the key of a keyring slot:
    /// the headers helper of a client's config (Claude Code's headersHelper).
    Headers(crate::commands::slots::HeadersArgs),
    /// A stdio MCP server that forwards to a slot's surface, reading the key
    /// from the keyring as it goes (for clients that start only commands).
    Bridge(crate::commands::slots::BridgeArgs),
    /// Run a command (a client) with keys of keyring slots in its
    /// environment: `mcp-keys run --slot NAME -- cursor`.
    Run(crate::commands::slots::RunArgs),
    /// The keyring slots that hold installed keys.
    #[command(subcommand)]
    Slots(crate::commands::slots::SlotsCommand),
    /// Move the literal keys of IDE configs into keyring slots and rewrite
    /// their entries to name the slots; `--undo` puts the files back.
    Migrate(crate::commands::migrate::MigrateArgs),
    /// Print a shell completion script (e.g. `mcp-keys completions bash`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), written from this command line's
    /// definition: `mcp-keys man | man -l -`. Packages install it.
    Man,
}

/// Options of `mcp-keys login` (the URL is the global `--server`).
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// A name for the connection (default: the server's host and port).
    #[arg(long)]
    pub name: Option<String>,
    /// What kind of server it is.
    #[arg(long, value_enum, default_value_t = ServerKind::McpKeys)]
    pub kind: ServerKind,
}

/// The kinds of server a connection can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServerKind {
    /// A self-hosted `mcp-keys serve`.
    McpKeys,
    /// Runtype's public API.
    Runtype,
}

/// `mcp-keys connections …`
#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// List saved connections.
    List,
    /// Forget a connection and delete its token from the keyring.
    Remove {
        /// Its name or id.
        connection: String,
    },
    /// Make a connection the default one.
    Default {
        /// Its name or id.
        connection: String,
    },
}

/// `mcp-keys tokens …`
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// List the management tokens (never the tokens themselves).
    List,
    /// Mint a management token; it is printed once, on stdout.
    Create {
        /// What the token is for (a machine, a script).
        #[arg(long, default_value = "mcp-keys CLI")]
        name: String,
    },
    /// Revoke a management token: it stops working on the next request.
    /// The last one cannot be revoked.
    Revoke {
        /// The token's id (the 8 characters after mgmt_).
        token: String,
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
}

/// `mcp-keys secrets …`
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Save (or replace) secret NAME; its value is read from stdin, without
    /// echo on a terminal, never from the command line.
    Set {
        /// The name upstreams give it.
        name: String,
    },
    /// Delete secret NAME.
    Delete {
        /// Its name.
        name: String,
    },
}

/// `mcp-keys products …`
#[derive(Debug, Subcommand)]
pub enum ProductsCommand {
    /// List products.
    List,
    /// Create a product.
    Create {
        /// Its name.
        name: String,
    },
}

/// `mcp-keys surfaces …`
#[derive(Debug, Subcommand)]
pub enum SurfacesCommand {
    /// List surfaces across products.
    List,
    /// Create a surface in a product.
    Create {
        /// The product's id.
        #[arg(long)]
        product: String,
        /// The surface's name.
        #[arg(long)]
        name: String,
        /// Its environment.
        #[arg(long, value_enum, default_value_t = EnvironmentArg::Development)]
        environment: EnvironmentArg,
        /// A capability (tool) to add; repeat for more.
        #[arg(long = "capability", value_name = "NAME")]
        capabilities: Vec<String>,
        /// The real MCP server it fronts.
        #[command(flatten)]
        upstream: crate::commands::upstream::UpstreamArgs,
        /// Which credentials it accepts: API keys (the default), OAuth
        /// tokens of clients authorized in a browser, or both.
        #[arg(long, value_name = "MODE", value_parser = auth_mode_parser())]
        auth_mode: Option<AuthMode>,
    },
    /// Set (or remove, with --none) the real MCP server a surface fronts.
    SetUpstream {
        /// The surface's id.
        surface: String,
        /// The MCP server to front.
        #[command(flatten)]
        upstream: crate::commands::upstream::UpstreamArgs,
        /// Front nothing: the surface only verifies keys.
        #[arg(long, conflicts_with_all = ["upstream_stdio", "upstream_url"])]
        none: bool,
    },
    /// Start the surface's MCP server if needed and make the surface's
    /// capabilities what it offers now (tools, prompts, resources), so keys
    /// can be scoped to them. Done by itself when the server starts and
    /// when it says its lists changed.
    Sync {
        /// The surface's id.
        surface: String,
    },
    /// Turn a surface on or off; an inactive surface refuses every request.
    SetStatus {
        /// The surface's id.
        surface: String,
        /// active or inactive.
        #[arg(value_enum)]
        status: StatusArg,
    },
    /// Change a surface's environment.
    SetEnvironment {
        /// The surface's id.
        surface: String,
        /// development or production.
        #[arg(value_enum)]
        environment: EnvironmentArg,
    },
    /// Choose which credentials a surface accepts. Only in oauth or both
    /// mode does it offer OAuth to clients: some clients (Cursor, by
    /// reports) then stop sending a configured key, so api_key is the default.
    SetAuthMode {
        /// The surface's id.
        surface: String,
        /// The credentials to accept: API keys, OAuth tokens, or both.
        #[arg(value_name = "MODE", value_parser = auth_mode_parser())]
        mode: AuthMode,
    },
}

/// `mcp-keys oauth …`
#[derive(Debug, Subcommand)]
pub enum OauthCommand {
    /// List the pending authorizations: clients waiting, in a browser, for
    /// you to let them use a surface (each lapses after 10 minutes).
    Requests,
    /// Let the client of a pending authorization use its surface; prints
    /// the grant. Check its redirect host first: the client named itself.
    Approve {
        /// The request's id (from `mcp-keys oauth requests`).
        request: String,
        /// A capability to allow; repeat for more (default: what the client
        /// asked for). Narrower than asked only.
        #[arg(long = "scope", value_name = "CAPABILITY")]
        scopes: Vec<String>,
    },
    /// Refuse a pending authorization: the client is told access_denied.
    Deny {
        /// The request's id.
        request: String,
    },
    /// List the OAuth grants of a surface: which clients may use it.
    Grants {
        /// The surface's id.
        surface: String,
    },
    /// Revoke a grant: the client's tokens stop working on the next request.
    Revoke {
        /// The grant's id (from `mcp-keys oauth grants SURFACE`).
        grant: String,
        /// The grant's surface, to skip looking for it among every surface.
        #[arg(long, value_name = "SURFACE")]
        surface: Option<String>,
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
}

/// `mcp-keys keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List a surface's keys (metadata only; a key is shown once, when created).
    List {
        /// The surface's id.
        surface: String,
    },
    /// Create a key; prints only the key on stdout (without --json).
    Create(CreateKeyArgs),
    /// Revoke a key: it stops working on the next request.
    Revoke {
        /// The key's id (the 8 characters after mcp_<env>_).
        key: String,
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Replace a key with a new one of the same settings; the old one keeps
    /// working for the grace period. Keyring slots that hold it get the new
    /// key, so clients installed through them need no config edit.
    Roll(RollKeyArgs),
    /// Install a key MCP Keys keeps in a keyring slot into more clients:
    /// their configs name the slot, never the key (DESIGN §8).
    Install(crate::commands::install::InstallKeyArgs),
}

/// Options of `mcp-keys keys create`.
#[derive(Debug, Args)]
pub struct CreateKeyArgs {
    /// The surface's id.
    pub surface: String,
    /// A name that says who uses the key, e.g. "MCP - Cursor".
    #[arg(long)]
    pub name: String,
    /// A capability the key may call; repeat for more (none: all of them).
    #[arg(long = "scope", value_name = "CAPABILITY")]
    pub scopes: Vec<String>,
    /// The key's environment (default: the surface's).
    #[arg(long, value_enum)]
    pub environment: Option<EnvironmentArg>,
    /// Make the key stop working after this many days.
    #[arg(long, value_name = "DAYS")]
    pub expires_in: Option<u32>,
    /// Remind to roll the key after this many days (default: 90 for
    /// production, 180 for development).
    #[arg(long, value_name = "DAYS")]
    pub rotate_every: Option<u32>,
    /// Put the key into a keyring slot and this client's config instead of
    /// printing it (claude-code, cursor, …); repeat for more.
    #[arg(long = "install", value_name = "CLIENT", value_parser = crate::commands::install::parse_client)]
    pub install: Vec<mcp_keys_manager::mcp_keys_ide::ClientId>,
    /// How and where to install (with --install).
    #[command(flatten)]
    pub install_options: crate::commands::install::InstallOptions,
}

/// Options of `mcp-keys keys roll`.
#[derive(Debug, Args)]
pub struct RollKeyArgs {
    /// The key's id.
    pub key: String,
    /// How long the old key keeps working: 0, 30m, 1h, 24h, 7d…
    #[arg(long, default_value = "0", value_parser = parse_duration)]
    pub grace: std::time::Duration,
    /// Also replace the old key in every IDE config that holds it.
    #[arg(long)]
    pub update_configs: bool,
    /// The home folder whose IDE configs to update (default: yours).
    #[arg(long, value_name = "DIR", requires = "update_configs")]
    pub home: Option<PathBuf>,
    /// A project folder whose IDE configs to update; repeat for more.
    #[arg(long = "project", value_name = "DIR", requires = "update_configs")]
    pub projects: Vec<PathBuf>,
}

/// An environment on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentArg {
    /// Development.
    Development,
    /// Production.
    Production,
}

impl From<EnvironmentArg> for mcp_keys_core::Environment {
    fn from(value: EnvironmentArg) -> Self {
        match value {
            EnvironmentArg::Development => Self::Development,
            EnvironmentArg::Production => Self::Production,
        }
    }
}

/// A surface status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Accepts requests.
    Active,
    /// Refuses every request with 403 surface_inactive.
    Inactive,
}

/// `api_key`, `oauth` or `both`, offered as such by `--help` and shell
/// completions.
fn auth_mode_parser() -> impl TypedValueParser<Value = AuthMode> {
    PossibleValuesParser::new(AuthMode::ALL.map(AuthMode::as_str))
        .try_map(|mode| mode.parse::<AuthMode>())
}

/// Parses `0`, `90s`, `30m`, `1h`, `24h`, `7d` (a bare number is seconds).
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |at| text.split_at(at));
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30m, 1h, 24h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit `{unit}`: use s, m, h or d")),
    };
    number
        .checked_mul(seconds)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// Where `scan` and `doctor` look for IDE configs.
#[derive(Debug, Clone, Args)]
pub struct IdeArgs {
    /// The home folder whose IDE configs to read (default: yours).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// A project folder to read besides those the IDEs recorded; repeat for more.
    #[arg(long = "project", value_name = "DIR")]
    pub projects: Vec<PathBuf>,
}

impl IdeArgs {
    /// The scan options: `--home`, else the user's home folder.
    pub fn options(&self) -> anyhow::Result<mcp_keys_manager::ScanOptions> {
        use mcp_keys_manager::ScanOptions;
        let projects = self.projects.clone();
        Ok(match &self.home {
            Some(home) => ScanOptions {
                home: home.clone(),
                projects,
            },
            None => ScanOptions::for_user(projects)
                .map_err(|error| anyhow::anyhow!("{error}; or pass --home DIR"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    use clap::Parser;
    use mcp_keys_client::AuthMode;

    use super::{Cli, Command, OauthCommand, SurfacesCommand};

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from([&["mcp-keys"], args].concat()).map(|cli| cli.command)
    }

    #[test]
    fn auth_modes_are_written_as_in_json() -> Result<(), clap::Error> {
        let command = parse(&["surfaces", "set-auth-mode", "s1", "api_key"])?;
        assert!(
            matches!(&command, Command::Surfaces(SurfacesCommand::SetAuthMode { surface, mode: AuthMode::ApiKey }) if surface == "s1"),
            "{command:?}"
        );
        let command = parse(&[
            "surfaces",
            "create",
            "--product",
            "p",
            "--name",
            "N",
            "--auth-mode",
            "both",
        ])?;
        assert!(
            matches!(
                command,
                Command::Surfaces(SurfacesCommand::Create {
                    auth_mode: Some(AuthMode::Both),
                    ..
                })
            ),
            "{command:?}"
        );
        let command = parse(&["surfaces", "create", "--product", "p", "--name", "N"])?;
        assert!(
            matches!(
                command,
                Command::Surfaces(SurfacesCommand::Create {
                    auth_mode: None,
                    ..
                })
            ),
            "without --auth-mode the server's default applies: {command:?}"
        );
        let error = parse(&["surfaces", "set-auth-mode", "s1", "api-key"]).err();
        assert!(
            error
                .as_ref()
                .is_some_and(|error| error.to_string().contains("api_key, oauth, both")),
            "the error lists the modes: {error:?}"
        );
        Ok(())
    }

    #[test]
    fn oauth_subcommands_parse_as_the_design_writes_them() -> Result<(), clap::Error> {
        assert!(matches!(
            parse(&["oauth", "requests", "--json"])?,
            Command::Oauth(OauthCommand::Requests)
        ));
        let command = parse(&[
            "oauth", "approve", "r1", "--scope", "search", "--scope", "fetch",
        ])?;
        assert!(
            matches!(&command, Command::Oauth(OauthCommand::Approve { request, scopes }) if request == "r1" && scopes == &["search", "fetch"]),
            "{command:?}"
        );
        let command = parse(&["oauth", "approve", "r1"])?;
        assert!(
            matches!(&command, Command::Oauth(OauthCommand::Approve { scopes, .. }) if scopes.is_empty()),
            "no --scope: what the client asked for: {command:?}"
        );
        assert!(
            matches!(parse(&["oauth", "deny", "r1"])?, Command::Oauth(OauthCommand::Deny { request }) if request == "r1")
        );
        assert!(
            matches!(parse(&["oauth", "grants", "s1"])?, Command::Oauth(OauthCommand::Grants { surface }) if surface == "s1")
        );
        let command = parse(&["oauth", "revoke", "g1", "--yes"])?;
        assert!(
            matches!(&command, Command::Oauth(OauthCommand::Revoke { grant, surface: None, yes: true }) if grant == "g1"),
            "{command:?}"
        );
        let command = parse(&["oauth", "revoke", "g1", "--surface", "s1"])?;
        assert!(
            matches!(&command, Command::Oauth(OauthCommand::Revoke { surface: Some(surface), yes: false, .. }) if surface == "s1"),
            "{command:?}"
        );
        assert!(
            parse(&["oauth", "approve"]).is_err(),
            "a request id is required"
        );
        Ok(())
    }

    #[test]
    fn durations_take_the_units_people_write() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
