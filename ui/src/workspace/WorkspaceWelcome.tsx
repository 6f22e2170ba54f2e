import { EmptyState } from "../components/EmptyState";
import "./WorkspaceWelcome.css";

/** The first thing a new user sees: what a surface is, and the path from here to a working IDE. */
export function WorkspaceWelcome() {
  return (
    <EmptyState
      icon="layers"
      title="Create your first surface"
      titleAs="h1"
      size="lg"
      data-testid="workspace-empty"
    >
      <p>
        A surface is an MCP server endpoint. Its clients, such as Claude Desktop, Cursor or VS Code,
        authenticate with <code>mcp_</code> API keys that they send as a Bearer token on every
        request.
      </p>
      <ol className="welcome-steps">
        <li>
          <span className="welcome-steps__title">Create a product and a surface</span>
          <span className="welcome-steps__text">
            on This computer's key service, or on a server you connect.
          </span>
        </li>
        <li>
          <span className="welcome-steps__title">Generate a key for each IDE or teammate</span>
          <span className="welcome-steps__text">and copy it once; it is never shown again.</span>
        </li>
        <li>
          <span className="welcome-steps__title">Connect your IDE</span>
          <span className="welcome-steps__text">
            then revoke or rotate any key without disturbing the others.
          </span>
        </li>
      </ol>
    </EmptyState>
  );
}
