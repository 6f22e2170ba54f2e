import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { PanelHeader } from "../components/PanelHeader";
import type { KeySummary } from "../model/workspace";
import { KeyList } from "./KeyList";

type KeysTabProps = {
  keys: readonly KeySummary[];
  onGenerateKey?: (() => void) | undefined;
};

/** The keys of a surface, and the way to make a new one. */
export function KeysTab({ keys, onGenerateKey }: KeysTabProps) {
  return (
    <>
      <PanelHeader
        title="API keys"
        description={
          <>
            Clients send a key as <code>Authorization: Bearer mcp_…</code> on every request. A key
            is shown once, when it is generated.
          </>
        }
        actions={
          <Button variant="primary" icon="plus" data-testid="generate-key" onClick={onGenerateKey}>
            Generate API key
          </Button>
        }
      />
      {keys.length === 0 ? (
        <EmptyState icon="key" title="No keys yet" data-testid="keys-empty">
          <p>
            Generate a key for each IDE or teammate, so you can revoke one without disrupting the
            others.
          </p>
        </EmptyState>
      ) : (
        <KeyList keys={keys} now={new Date()} />
      )}
    </>
  );
}
