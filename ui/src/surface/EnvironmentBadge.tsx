import { Badge } from "../components/Badge";
import type { Environment } from "../model/workspace";

/** Development or Production; production is tinted as a caution. */
export function EnvironmentBadge({ environment }: { environment: Environment }) {
  return environment === "production" ? (
    <Badge tone="warning">Production</Badge>
  ) : (
    <Badge tone="info">Development</Badge>
  );
}
