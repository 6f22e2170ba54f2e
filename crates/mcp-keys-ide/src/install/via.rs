//! The mechanisms of an install (`--via`) and what each needs after a roll.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

/// How a config gets the key (`--via`), best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Via {
    /// A command the client runs at each connection, `mcp-keys headers
    /// --slot NAME`, that prints the headers (Claude Code's `headersHelper`).
    Helper,
    /// A stdio server, `mcp-keys bridge --slot NAME`, that forwards to the
    /// surface with the key of the slot.
    Bridge,
    /// A reference to an environment variable that `mcp-keys run` sets.
    Env,
    /// VS Code's `inputs` with `password: true`: VS Code asks once and keeps
    /// the key in its secret storage.
    Input,
    /// The key itself, only when asked for.
    Literal,
}

impl Via {
    /// Every mechanism, best first.
    pub const ALL: [Self; 5] = [
        Self::Helper,
        Self::Bridge,
        Self::Env,
        Self::Input,
        Self::Literal,
    ];

    /// The name as written after `--via`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Helper => "helper",
            Self::Bridge => "bridge",
            Self::Env => "env",
            Self::Input => "input",
            Self::Literal => "literal",
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Via {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|via| via.as_str() == text)
            .ok_or_else(|| Error::InvalidInstall {
                what: "mechanism",
                value: text.to_owned(),
                problem: "is not one of helper, bridge, env, input, literal",
            })
    }
}

/// What a client needs, after a roll of the key in its slot, to use the new
/// key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AfterRoll {
    /// Nothing: the bridge reads the slot again (`bridge`).
    Nothing,
    /// A reconnection of the server, which runs the helper again (`helper`).
    Reconnect,
    /// A restart of the client through `mcp-keys run`, which sets the
    /// variable from the slot (`env`).
    Restart,
    /// The new key typed where the client asks for it (`input`: VS Code keeps
    /// the old one in its secret storage until its input is cleared).
    Reenter,
    /// The config rewritten with the new key (`literal`).
    Rewrite,
}

/// Whether a client picks up a new key in its slot by itself: `helper` at its
/// next connection, `bridge` at once; `env` needs a restart through
/// `mcp-keys run`, `input` the key typed again, `literal` the config
/// rewritten.
pub fn after_roll(via: Via) -> AfterRoll {
    match via {
        Via::Helper => AfterRoll::Reconnect,
        Via::Bridge => AfterRoll::Nothing,
        Via::Env => AfterRoll::Restart,
        Via::Input => AfterRoll::Reenter,
        Via::Literal => AfterRoll::Rewrite,
    }
}
