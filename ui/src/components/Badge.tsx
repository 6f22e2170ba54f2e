import type { ReactNode } from "react";
import "./Badge.css";

/** What a badge's colour says: good, neutral, informational or a caution. */
export type BadgeTone = "success" | "neutral" | "info" | "warning";

type BadgeProps = {
  tone: BadgeTone;
  /** A leading dot, for states (active, inactive) rather than categories. */
  dot?: boolean;
  children: ReactNode;
};

/** A short label with a tinted background. The text carries the meaning; colour only repeats it. */
export function Badge({ tone, dot = false, children }: BadgeProps) {
  return (
    <span className={`badge badge--${tone}`}>
      {dot && <span className="badge__dot" aria-hidden="true" />}
      {children}
    </span>
  );
}
