import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Icon, type IconName } from "./Icon";
import "./Tabs.css";

export type TabItem = {
  /** Stable id, unique within the tab list. */
  id: string;
  label: string;
  icon?: IconName;
  /** `data-testid` of the tab button, for end-to-end tests. */
  testId?: string;
  panel: ReactNode;
};

type TabsProps = {
  /** Accessible name of the tab list. */
  label: string;
  items: readonly TabItem[];
};

/**
 * Tabs following the WAI-ARIA tabs pattern with automatic activation: one tab
 * stop for the whole list (roving tabindex); Left and Right arrows move and
 * select, wrapping around; Home and End go to the ends; Tab moves on into the
 * panel. The first tab starts selected.
 */
export function Tabs({ label, items }: TabsProps) {
  const baseId = useId();
  const [selectedId, setSelectedId] = useState(items[0]?.id);
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());

  const selected = items.find((item) => item.id === selectedId) ?? items[0];
  if (!selected) {
    return null;
  }
  const tabId = (id: string) => `${baseId}-tab-${id}`;
  const panelId = (id: string) => `${baseId}-panel-${id}`;

  const select = (index: number) => {
    const item = items[(index + items.length) % items.length];
    if (item) {
      setSelectedId(item.id);
      tabRefs.current.get(item.id)?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = items.indexOf(selected);
    const target = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      Home: 0,
      End: items.length - 1,
    }[event.key];
    if (target !== undefined) {
      event.preventDefault();
      select(target);
    }
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tabs__list" onKeyDown={onKeyDown}>
        {items.map((item) => {
          const isSelected = item.id === selected.id;
          return (
            <button
              key={item.id}
              ref={(node) => {
                if (node) {
                  tabRefs.current.set(item.id, node);
                } else {
                  tabRefs.current.delete(item.id);
                }
              }}
              type="button"
              role="tab"
              id={tabId(item.id)}
              aria-selected={isSelected}
              aria-controls={isSelected ? panelId(item.id) : undefined}
              tabIndex={isSelected ? 0 : -1}
              className="tabs__tab"
              data-testid={item.testId}
              onClick={() => setSelectedId(item.id)}
            >
              {item.icon && <Icon name={item.icon} size="sm" />}
              {item.label}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={panelId(selected.id)}
        aria-labelledby={tabId(selected.id)}
        tabIndex={0}
        className="tabs__panel"
      >
        {selected.panel}
      </div>
    </div>
  );
}
