import type { ReactNode } from "react";

type NavLinkProps = {
  label: string;
  icon: ReactNode;
  current: boolean;
  onSelect: () => void;
  /** Shown after the label (a count). */
  badge?: ReactNode;
  "data-testid": string;
};

/** One of the app's pages in the sidebar (IDEs, Reminders, Settings). */
export function NavLink({
  label,
  icon,
  current,
  onSelect,
  badge,
  "data-testid": testId,
}: NavLinkProps) {
  return (
    <button
      type="button"
      className="sidebar-nav-link"
      aria-current={current ? "page" : undefined}
      data-testid={testId}
      onClick={onSelect}
    >
      {icon}
      <span className="sidebar-nav-link__label">{label}</span>
      {badge}
    </button>
  );
}
