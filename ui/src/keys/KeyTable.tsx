import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Button } from "../components/Button";
import { Icon } from "../components/Icon";
import { formatDate } from "../lib/formatDate";
import type { KeyState } from "../model/keyState";
import {
  keyRows,
  NO_FILTER,
  type KeyFilter,
  type KeyRow,
  type KeySort,
  type SortColumn,
} from "../model/keyTable";
import type { Environment } from "../bindings/Environment";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import { EnvironmentBadge } from "../surface/EnvironmentBadge";
import { KeyStateBadge } from "../surface/KeyStateBadge";
import { markOnce } from "../lib/marks";
import "./KeyTable.css";

/** Height of a row in px; the same as `--key-row-height` in tokens.css. */
export const ROW_HEIGHT = 44;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gap. */
const OVERSCAN = 10;
/** Used until the scroll box is measured (and in tests, where nothing has a size). */
const FALLBACK_VIEWPORT = 560;

type KeyTableProps = {
  keys: readonly KeyMetadata[];
  /** When each key is due for rotation, by key id (`null`: never), as `surface_get` gives it. */
  rotationDue: Readonly<Record<string, string | null>>;
  /** The moment "expired" is judged against. */
  now: Date;
  /** The IDE clients whose configs on this computer hold a key; unknown without a scan. */
  usedBy?: ((key: KeyMetadata) => readonly string[]) | undefined;
  onRoll: (key: KeyMetadata) => void;
  onRevoke: (key: KeyMetadata) => void;
};

type Column = {
  id: SortColumn | "usedBy";
  label: string;
  /** Said in full to screen readers when `label` is shortened. */
  fullLabel?: string;
  sortable: boolean;
};

/*
 * Sized to fit beside the sidebar in a 1200 px window without scrolling
 * sideways (widths in KeyTable.css): the environment is a short badge, Roll
 * and Revoke are icon buttons, and long names and lists end in an ellipsis
 * with the whole in `title`.
 */
const COLUMNS: Column[] = [
  { id: "name", label: "Name", sortable: true },
  { id: "environment", label: "Env", fullLabel: "Environment", sortable: true },
  { id: "usedBy", label: "Used by", sortable: false },
  { id: "scopes", label: "Scopes", sortable: true },
  { id: "createdAt", label: "Created", sortable: true },
  { id: "expiresAt", label: "Expires", sortable: true },
  { id: "lastUsedAt", label: "Last used", sortable: true },
  { id: "rotationDue", label: "Rotation due", sortable: true },
  { id: "status", label: "Status", sortable: true },
];

function isSortColumn(id: Column["id"]): id is SortColumn {
  return id !== "usedBy";
}

/**
 * The keys of a surface as a sortable, filterable table. Only the rows in
 * view (plus a margin) are in the DOM: spacer rows stand in for the others, so
 * 10,000 keys scroll as smoothly as 10.
 */
/** A rotation due date in words: the date, Never, or a dash while not known. */
function dueText(due: KeyRow["rotationDue"]): string {
  if (due === "never") {
    return "Never";
  }
  return due === null ? "—" : formatDate(due);
}

export function KeyTable({ keys, rotationDue, now, usedBy, onRoll, onRevoke }: KeyTableProps) {
  const [filter, setFilter] = useState<KeyFilter>(NO_FILTER);
  const [sort, setSort] = useState<KeySort>({ column: "createdAt", direction: "descending" });
  const rows = useMemo(
    () => keyRows(keys, rotationDue, filter, sort, now),
    [keys, rotationDue, filter, sort, now],
  );
  // For the bench: when the first rows reached the DOM, and the frame after.
  useLayoutEffect(() => {
    if (markOnce("keys table committed")) {
      requestAnimationFrame(() => markOnce("keys table frame"));
    }
  });

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === "undefined") {
      return;
    }
    const observer = new ResizeObserver(() => {
      setViewport(element.clientHeight || FALLBACK_VIEWPORT);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  // The spacers' heights change with every scroll. They are set through the
  // CSSOM, which the strict CSP allows, rather than a style attribute, which it forbids.
  const topSpacer = useRef<HTMLTableCellElement>(null);
  const bottomSpacer = useRef<HTMLTableCellElement>(null);
  useLayoutEffect(() => {
    topSpacer.current?.style.setProperty("height", `${first * ROW_HEIGHT}px`);
    bottomSpacer.current?.style.setProperty("height", `${(rows.length - last) * ROW_HEIGHT}px`);
  });

  const sortBy = (column: SortColumn) => {
    setSort((current) => ({
      column,
      direction:
        current.column === column && current.direction === "ascending" ? "descending" : "ascending",
    }));
  };

  const filtered =
    filter.text.trim() !== "" || filter.status !== "all" || filter.environment !== "all";
  return (
    <div className="key-table">
      <div className="key-table__toolbar" role="search">
        <label className="key-table__search">
          <Icon name="search" size="sm" />
          <span className="visually-hidden">Filter keys</span>
          <input
            type="search"
            className="input"
            placeholder="Filter by name, prefix, scope or client"
            data-testid="keys-filter"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
          />
        </label>
        <label>
          <span className="visually-hidden">Status</span>
          <select
            className="select"
            data-testid="keys-status-filter"
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value as KeyState | "all" })}
          >
            <option value="all">All statuses</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
            <option value="revoked">Revoked</option>
          </select>
        </label>
        <label>
          <span className="visually-hidden">Environment</span>
          <select
            className="select"
            data-testid="keys-environment-filter"
            value={filter.environment}
            onChange={(e) =>
              setFilter({ ...filter, environment: e.target.value as Environment | "all" })
            }
          >
            <option value="all">All environments</option>
            <option value="development">Development</option>
            <option value="production">Production</option>
          </select>
        </label>
        <span className="key-table__count" aria-live="polite" data-testid="keys-count">
          {filtered
            ? `${rows.length} of ${keys.length} ${keys.length === 1 ? "key" : "keys"}`
            : `${keys.length} ${keys.length === 1 ? "key" : "keys"}`}
        </span>
      </div>
      <div
        ref={scroller}
        className="key-table__scroll"
        data-testid="keys-table-scroll"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <table
          className="key-table__table"
          aria-label="API keys"
          aria-rowcount={rows.length + 1}
          data-testid="keys-table"
        >
          <thead>
            <tr aria-rowindex={1}>
              {COLUMNS.map((column) => {
                const id = column.id;
                if (!column.sortable || !isSortColumn(id)) {
                  return (
                    <th key={id} scope="col" className={`key-table__col--${id}`}>
                      <span className="key-table__heading">{column.label}</span>
                    </th>
                  );
                }
                const active = sort.column === id;
                return (
                  <th
                    key={id}
                    scope="col"
                    className={`key-table__col--${id}`}
                    aria-sort={active ? sort.direction : "none"}
                  >
                    <button
                      type="button"
                      className="key-table__sort"
                      title={column.fullLabel}
                      data-testid={`keys-sort-${id}`}
                      onClick={() => sortBy(id)}
                    >
                      {column.fullLabel ? (
                        <>
                          <span aria-hidden="true">{column.label}</span>
                          <span className="visually-hidden">{column.fullLabel}</span>
                        </>
                      ) : (
                        column.label
                      )}
                      <Icon
                        name={
                          active
                            ? sort.direction === "ascending"
                              ? "sortUp"
                              : "sortDown"
                            : "sortNone"
                        }
                        size="sm"
                      />
                    </button>
                  </th>
                );
              })}
              <th scope="col" className="key-table__col--actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <tr className="key-table__spacer" aria-hidden="true">
              <td ref={topSpacer} colSpan={COLUMNS.length + 1} />
            </tr>
            {visible.map((row, i) => (
              <KeyTableRow
                key={row.key.id}
                row={row}
                rowIndex={first + i + 2}
                usedBy={usedBy}
                onRoll={onRoll}
                onRevoke={onRevoke}
              />
            ))}
            <tr className="key-table__spacer" aria-hidden="true">
              <td ref={bottomSpacer} colSpan={COLUMNS.length + 1} />
            </tr>
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="key-table__no-match" data-testid="keys-no-match">
            No key matches these filters.
          </p>
        )}
      </div>
    </div>
  );
}

type KeyTableRowProps = {
  row: KeyRow;
  rowIndex: number;
  usedBy?: ((key: KeyMetadata) => readonly string[]) | undefined;
  onRoll: (key: KeyMetadata) => void;
  onRevoke: (key: KeyMetadata) => void;
};

function KeyTableRow({ row, rowIndex, usedBy, onRoll, onRevoke }: KeyTableRowProps) {
  const { key, state, rotationDue } = row;
  const masked = `${key.keyPrefix}…${key.keyHint}`;
  return (
    <tr
      className="key-table__row"
      aria-rowindex={rowIndex}
      data-testid={`key-row-${key.id}`}
      data-state={state}
    >
      <td>
        <span className="key-table__name" title={key.name}>
          {key.name}
        </span>
        {/* The hint stays in view; a narrow column clips the prefix instead. */}
        <code className="key-table__masked" title={masked}>
          <span className="key-table__prefix">{key.keyPrefix}</span>…{key.keyHint}
        </code>
      </td>
      <td>
        <EnvironmentBadge environment={key.environment} short />
      </td>
      <UsedByCell keyId={key.id} clients={usedBy?.(key)} />
      <td className="key-table__scopes" title={key.scopes.join(", ")}>
        {key.scopes.length === 0 ? "All" : key.scopes.join(", ")}
      </td>
      <td className="key-table__date">{formatDate(key.createdAt)}</td>
      <td className="key-table__date">
        {key.expiresAt === null ? "Never" : formatDate(key.expiresAt)}
      </td>
      <td className="key-table__date">
        {key.lastUsedAt === null ? (
          <span className="key-table__muted">Never used</span>
        ) : (
          <>
            <span>{formatDate(key.lastUsedAt)}</span>
            {key.lastUsedClient && (
              <span className="key-table__client" title={key.lastUsedClient}>
                by {key.lastUsedClient}
              </span>
            )}
          </>
        )}
      </td>
      <td className="key-table__date" data-testid={`key-rotation-${key.id}`}>
        {state === "active" ? dueText(rotationDue) : "—"}
      </td>
      <td data-testid={`key-status-${key.id}`}>
        <KeyStateBadge state={state} />
      </td>
      <td className="key-table__actions">
        {state === "active" && (
          <Button
            variant="ghost"
            size="sm"
            icon="roll"
            aria-label={`Roll ${key.name}`}
            title="Roll: a new key replaces this one"
            data-testid={`key-roll-${key.id}`}
            onClick={() => onRoll(key)}
          />
        )}
        {state !== "revoked" && (
          <Button
            variant="ghost"
            size="sm"
            icon="ban"
            aria-label={`Revoke ${key.name}`}
            title="Revoke: stop this key now"
            data-testid={`key-revoke-${key.id}`}
            onClick={() => onRevoke(key)}
          />
        )}
      </td>
    </tr>
  );
}

/** The IDE clients using a key: blank while unknown, a dash when none. */
function UsedByCell({ keyId, clients }: { keyId: string; clients: readonly string[] | undefined }) {
  const names = clients?.join(", ");
  return (
    <td data-testid={`key-used-by-${keyId}`} title={names}>
      {clients === undefined ? null : clients.length === 0 ? (
        <span className="key-table__muted" title="No IDE config on this computer holds this key">
          —
        </span>
      ) : (
        <span>{names}</span>
      )}
    </td>
  );
}
