//! The MCP server of a surface: each capability is a tool that answers with
//! its own name and the arguments it was called with.

use std::sync::Arc;

use axum::http::request::Parts;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::json;

/// Who is calling, as the guard established it: the tools the key may see
/// (the surface's capabilities within the key's scopes). Only present for
/// `tools/list` and `tools/call`, the requests that need it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The visible tools, in the order the capabilities were added.
    pub tools: Arc<[String]>,
}

/// The handler rmcp runs for every request. It holds nothing: what a
/// request may do comes with the request, from the guard.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceTools;

impl ServerHandler for SurfaceTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("mcp-keys", env!("CARGO_PKG_VERSION")))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let caller = caller(&context)?;
        Ok(ListToolsResult::with_all_items(
            caller.tools.iter().map(|name| tool(name)).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let caller = caller(&context)?;
        if !caller.tools.iter().any(|name| *name == request.name) {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        }
        let echo = json!({
            "tool": request.name,
            "arguments": request.arguments.unwrap_or_default(),
        });
        let mut result = CallToolResult::success(vec![ContentBlock::text(echo.to_string())]);
        result.structured_content = Some(echo);
        Ok(result.into())
    }
}

/// The tool of capability `name`: any JSON object as arguments.
fn tool(name: &str) -> Tool {
    let mut schema = JsonObject::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("additionalProperties".into(), json!(true));
    Tool::new(
        name.to_owned(),
        format!("Capability `{name}`: answers with its name and the arguments it was given."),
        Arc::new(schema),
    )
}

/// The caller the guard put on the HTTP request, which rmcp hands over as
/// the request's `Parts`.
fn caller(context: &RequestContext<RoleServer>) -> Result<Caller, ErrorData> {
    context
        .extensions
        .get::<Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>())
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("the request was not authenticated", None))
}
