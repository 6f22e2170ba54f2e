import type { ReactNode } from "react";
import "./PanelHeader.css";

type PanelHeaderProps = {
  title: string;
  description?: ReactNode;
  /** Buttons at the right; the primary action of the panel goes last. */
  actions?: ReactNode;
};

/** The title row of a tab panel or a section: what it holds, and what you can do there. */
export function PanelHeader({ title, description, actions }: PanelHeaderProps) {
  return (
    <header className="panel-header">
      <div className="panel-header__text">
        <h2 className="panel-header__title">{title}</h2>
        {description && <p className="panel-header__description">{description}</p>}
      </div>
      {actions && <div className="panel-header__actions">{actions}</div>}
    </header>
  );
}
