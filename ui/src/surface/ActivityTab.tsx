import { EmptyState } from "../components/EmptyState";
import { PanelHeader } from "../components/PanelHeader";

/** What happened on a surface: requests, and keys generated, rolled or revoked. */
export function ActivityTab() {
  return (
    <>
      <PanelHeader
        title="Activity"
        description="Who used this surface, and what changed about its keys."
      />
      <EmptyState icon="activity" title="No activity yet" data-testid="activity-empty">
        <p>
          Requests made with this surface's keys, and keys generated, rolled or revoked, will appear
          here, so an unused or leaked key stands out.
        </p>
      </EmptyState>
    </>
  );
}
