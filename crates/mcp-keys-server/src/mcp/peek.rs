//! What the guard needs to know of a JSON-RPC message before rmcp sees it:
//! the method, the tool a `tools/call` names, the client an `initialize`
//! names. Anything unreadable is left for rmcp to answer.

use serde_json::Value;

/// The parts of one JSON-RPC message that authentication depends on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Peek {
    /// The method, for requests and notifications.
    pub method: Option<String>,
    /// `params.name` of a `tools/call`: the capability to check scopes for.
    pub tool: Option<String>,
    /// `params.clientInfo.name` of an `initialize`.
    pub client_name: Option<String>,
}

impl Peek {
    /// Reads `body`; a body that is not one JSON-RPC object peeks as empty.
    pub fn of(body: &[u8]) -> Self {
        let Ok(Value::Object(message)) = serde_json::from_slice::<Value>(body) else {
            return Self::default();
        };
        let method = message.get("method").and_then(Value::as_str);
        let params = message.get("params");
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        Self {
            tool: (method == Some("tools/call"))
                .then(|| text(params.and_then(|params| params.get("name"))))
                .flatten(),
            client_name: (method == Some("initialize"))
                .then(|| {
                    text(
                        params
                            .and_then(|params| params.get("clientInfo"))
                            .and_then(|info| info.get("name")),
                    )
                })
                .flatten(),
            method: method.map(str::to_owned),
        }
    }

    /// Whether answering needs the list of tools the caller may see.
    pub fn needs_tools(&self) -> bool {
        matches!(self.method.as_deref(), Some("tools/list" | "tools/call"))
    }
}

#[cfg(test)]
mod tests {
    use super::Peek;

    #[test]
    fn a_tool_call_names_its_tool() {
        let peek = Peek::of(
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}}"#,
        );
        assert_eq!(peek.tool.as_deref(), Some("search"));
        assert!(peek.needs_tools());
    }

    #[test]
    fn initialize_names_its_client() {
        let peek = Peek::of(
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"cursor","version":"1"}}}"#,
        );
        assert_eq!(peek.client_name.as_deref(), Some("cursor"));
        assert_eq!(peek.tool, None);
    }

    #[test]
    fn anything_else_peeks_as_empty() {
        assert_eq!(Peek::of(b"not json"), Peek::default());
        assert_eq!(Peek::of(b"[1,2]"), Peek::default());
        assert_eq!(Peek::of(br#"{"method":"tools/list"}"#).tool, None);
    }
}
