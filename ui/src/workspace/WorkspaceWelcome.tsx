import { EmptyState } from "../components/EmptyState";
import type { Connection } from "../bindings/Connection";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import { FirstSurfaceForm } from "./FirstSurfaceForm";
import "./WorkspaceWelcome.css";

type WorkspaceWelcomeProps = {
  /** The local connection, where the first surface goes. */
  connection: Connection;
  /** A product made earlier whose surface was never created; reused instead of a second one. */
  existingProduct?: Product | undefined;
  onCreated: (product: Product, surface: Surface) => void;
};

/** The first thing a new user sees: what a surface is, and a form that makes one in a click. */
export function WorkspaceWelcome({
  connection,
  existingProduct,
  onCreated,
}: WorkspaceWelcomeProps) {
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
        request. Create one on this computer's key service; then generate a key for each IDE.
      </p>
      <FirstSurfaceForm
        connection={connection}
        existingProduct={existingProduct}
        onCreated={onCreated}
      />
    </EmptyState>
  );
}
