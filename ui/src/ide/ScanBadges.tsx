import { Badge, type BadgeTone } from "../components/Badge";
import type { ConfigScope } from "../bindings/ConfigScope";
import type { FindingSeverity } from "../bindings/FindingSeverity";
import type { KeyStatus } from "../bindings/KeyStatus";
import "../components/Badge.css";
import "./ScanBadges.css";

const statuses: Record<KeyStatus, { label: string; tone: BadgeTone; title: string }> = {
  active: { label: "Active", tone: "success", title: "A connected key service accepts it." },
  revoked: { label: "Revoked", tone: "warning", title: "Revoked: every request is refused." },
  expired: { label: "Expired", tone: "warning", title: "Past its expiry: requests are refused." },
  unknown: {
    label: "Unknown",
    tone: "neutral",
    title: "An MCP Keys key that no connected key service knows.",
  },
  checksum_error: {
    label: "Checksum error",
    tone: "warning",
    title: "Shaped like an MCP Keys key, but mistyped: its check character is wrong.",
  },
  foreign: { label: "Other issuer", tone: "neutral", title: "An mcp_ key from another issuer." },
  env_reference: {
    label: "Env variable",
    tone: "info",
    title: "The config names an environment variable instead of holding a key.",
  },
};

/**
 * What a key service says about a key found in an IDE config; for an
 * unknown key, `reason` says which services were asked.
 */
export function ScanStatusBadge({ status, reason }: { status: KeyStatus; reason?: string | null }) {
  const { label, tone, title } = statuses[status];
  return (
    <span className="scan-badge" title={reason ? `${title} ${reason}` : title} data-status={status}>
      <Badge tone={tone} dot={status === "active"}>
        {label}
      </Badge>
    </span>
  );
}

/** Whether a config applies to every project or to one. */
export function ScopeBadge({ scope }: { scope: ConfigScope }) {
  return <Badge tone="neutral">{scope === "global" ? "Global" : "Project"}</Badge>;
}

const severities: Record<FindingSeverity, string> = {
  error: "Error",
  warning: "Warning",
  info: "Info",
};

/** How bad a doctor finding is; errors are tinted as danger (Badge has no such tone). */
export function SeverityBadge({ severity }: { severity: FindingSeverity }) {
  return (
    <span className={`badge severity-badge severity-badge--${severity}`}>
      {severities[severity]}
    </span>
  );
}
