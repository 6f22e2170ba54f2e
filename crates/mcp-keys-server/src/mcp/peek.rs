//! What the guard needs to know of a JSON-RPC message before rmcp sees it:
//! the method, the tool a `tools/call` names, the client an `initialize`
//! names. Anything unreadable is left for rmcp to answer.

use serde_json::Value;

/// The parts of one JSON-RPC message that authentication depends on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Peek {
    /// The method, for requests and notifications.
    pub method: Option<String>,
    /// The capability a request uses, to check scopes for: `params.name`
    /// of a `tools/call` or `prompts/get`, `params.uri` of a
    /// `resources/read`.
    pub capability: Option<String>,
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
            capability: match method {
                Some("tools/call" | "prompts/get") => {
                    text(params.and_then(|params| params.get("name")))
                }
                Some("resources/read") => text(params.and_then(|params| params.get("uri"))),
                _ => None,
            },
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

    /// Whether answering needs to know what the caller may see (and, for
    /// a surface with an upstream, the upstream).
    pub fn needs_caller(&self) -> bool {
        self.method.as_deref().is_some_and(|method| {
            method == "initialize"
                || ["tools/", "prompts/", "resources/", "completion/"]
                    .iter()
                    .any(|prefix| method.starts_with(prefix))
        })
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
        assert_eq!(peek.capability.as_deref(), Some("search"));
        assert!(peek.needs_caller());
        let read = Peek::of(
            br#"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///a"}}"#,
        );
        assert_eq!(read.capability.as_deref(), Some("file:///a"));
    }

    #[test]
    fn initialize_names_its_client() {
        let peek = Peek::of(
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"cursor","version":"1"}}}"#,
        );
        assert_eq!(peek.client_name.as_deref(), Some("cursor"));
        assert_eq!(peek.capability, None);
    }

    #[test]
    fn anything_else_peeks_as_empty() {
        assert_eq!(Peek::of(b"not json"), Peek::default());
        assert_eq!(Peek::of(b"[1,2]"), Peek::default());
        assert_eq!(Peek::of(br#"{"method":"tools/list"}"#).capability, None);
    }
}
