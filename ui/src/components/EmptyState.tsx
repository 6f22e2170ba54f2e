import type { ReactNode } from "react";
import { Icon, type IconName } from "./Icon";
import "./EmptyState.css";

type EmptyStateProps = {
  icon: IconName;
  title: string;
  /** The heading level that fits the place it's shown in. */
  titleAs?: "h1" | "h2" | "h3";
  size?: "md" | "lg";
  /** What this place is for and what to do next. */
  children: ReactNode;
  action?: ReactNode;
  "data-testid"?: string;
};

/**
 * What a place shows while it has nothing in it: what belongs here and the
 * next step, never a blank area.
 */
export function EmptyState({
  icon,
  title,
  titleAs: Title = "h3",
  size = "md",
  children,
  action,
  "data-testid": testId,
}: EmptyStateProps) {
  return (
    <div className={`empty-state empty-state--${size}`} data-testid={testId}>
      <div className="empty-state__icon">
        <Icon name={icon} size={size === "lg" ? "xl" : "lg"} />
      </div>
      <Title className="empty-state__title">{title}</Title>
      <div className="empty-state__text">{children}</div>
      {action && <div className="empty-state__action">{action}</div>}
    </div>
  );
}
