import { Badge } from "../components/Badge";
import type { Environment } from "../bindings/Environment";

type EnvironmentBadgeProps = {
  environment: Environment;
  /** "Dev" / "Prod", for narrow table columns; the full word stays in the title. */
  short?: boolean;
};

const words: Record<Environment, { full: string; short: string }> = {
  development: { full: "Development", short: "Dev" },
  production: { full: "Production", short: "Prod" },
};

/** Development or Production; production is tinted as a caution. */
export function EnvironmentBadge({ environment, short = false }: EnvironmentBadgeProps) {
  const { full, short: abbreviation } = words[environment];
  const badge = (
    <Badge tone={environment === "production" ? "warning" : "info"}>
      {short ? abbreviation : full}
    </Badge>
  );
  return short ? (
    <span className="environment-badge" title={full}>
      {badge}
      <span className="visually-hidden"> ({full})</span>
    </span>
  ) : (
    badge
  );
}
