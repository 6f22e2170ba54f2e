import { EmptyState } from "../components/EmptyState";
import { PanelHeader } from "../components/PanelHeader";
import type { Surface } from "../model/workspace";
import "./ConnectTab.css";

/** Where a client connects to, and which IDEs on this computer do. */
export function ConnectTab({ surface }: { surface: Surface }) {
  return (
    <>
      <PanelHeader
        title="Connect"
        description="Point an AI IDE at this endpoint and give it one of this surface's keys."
      />
      <dl className="connect-tab__facts">
        <dt>MCP endpoint</dt>
        <dd>
          <code>{surface.url}</code>
        </dd>
        <dt>Authentication</dt>
        <dd>
          <code>Authorization: Bearer mcp_…</code>
        </dd>
      </dl>
      <EmptyState icon="plug" title="No IDE uses this surface yet" data-testid="connect-empty">
        <p>
          IDEs on this computer whose MCP config points at this surface will show up here, with the
          key each one uses.
        </p>
      </EmptyState>
    </>
  );
}
