//! Development or production: the environment of a key and of a surface.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ParseError;

/// The environment a key belongs to. It is written in full in JSON
/// (`"development"`, `"production"`) and in its short form inside a key
/// (`mcp_dev_…`, `mcp_prod_…`), so a production key is recognizable at a
/// glance in a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Environment {
    /// For development and testing.
    Development,
    /// For production use.
    Production,
}

impl Environment {
    /// Both environments.
    pub const ALL: [Self; 2] = [Self::Development, Self::Production];

    /// The full name used in JSON and on the command line:
    /// `development` or `production`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }

    /// The short form written inside a key: `dev` or `prod`.
    pub fn key_part(self) -> &'static str {
        match self {
            Self::Development => "dev",
            Self::Production => "prod",
        }
    }

    /// The environment whose short form is `part`, exactly (`dev`, `prod`).
    pub fn from_key_part(part: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|environment| environment.key_part() == part)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = ParseError;

    /// Parses the full name, `development` or `production`, as in JSON.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|environment| environment.as_str() == name)
            .ok_or(ParseError::Environment {
                expected: "`development` or `production`",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::Environment;
    use crate::ParseError;

    #[test]
    fn short_forms_are_dev_and_prod() {
        assert_eq!(Environment::Development.key_part(), "dev");
        assert_eq!(Environment::Production.key_part(), "prod");
    }

    #[test]
    fn short_forms_parse_back_and_nothing_else_does() {
        for environment in Environment::ALL {
            assert_eq!(
                Environment::from_key_part(environment.key_part()),
                Some(environment)
            );
        }
        for other in ["", "DEV", "Prod", "development", "test", "dev "] {
            assert_eq!(Environment::from_key_part(other), None, "{other:?}");
        }
    }

    #[test]
    fn json_uses_the_full_lowercase_names() -> serde_json::Result<()> {
        assert_eq!(
            serde_json::to_string(&Environment::Development)?,
            r#""development""#
        );
        assert_eq!(
            serde_json::from_str::<Environment>(r#""production""#)?,
            Environment::Production
        );
        assert!(serde_json::from_str::<Environment>(r#""prod""#).is_err());
        Ok(())
    }

    #[test]
    fn full_names_parse_and_display_the_same_way() {
        for environment in Environment::ALL {
            assert_eq!(environment.to_string().parse(), Ok(environment));
        }
        assert!(matches!(
            "dev".parse::<Environment>(),
            Err(ParseError::Environment { .. })
        ));
    }
}
