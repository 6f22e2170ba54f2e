import { formatDate } from "../lib/formatDate";
import { keyState } from "../model/keyState";
import type { KeySummary } from "../model/workspace";
import { EnvironmentBadge } from "./EnvironmentBadge";
import { KeyStateBadge } from "./KeyStateBadge";
import "./KeyList.css";

type KeyListProps = {
  keys: readonly KeySummary[];
  /** The moment "expired" is judged against. */
  now: Date;
};

/** The keys of a surface, one row each: name, prefix and hint (never the secret), state, last use. */
export function KeyList({ keys, now }: KeyListProps) {
  return (
    <ul className="key-list" aria-label="API keys">
      {keys.map((key) => (
        <li key={key.id} className="key-list__row">
          <div className="key-list__identity">
            <span className="key-list__name">{key.name}</span>
            <code className="key-list__masked">
              {key.keyPrefix}…{key.keyHint}
            </code>
          </div>
          <div className="key-list__badges">
            <EnvironmentBadge environment={key.environment} />
            <KeyStateBadge state={keyState(key, now)} />
          </div>
          <div className="key-list__usage">
            {key.lastUsedAt === null
              ? "Never used"
              : `Used ${formatDate(key.lastUsedAt)}${key.lastUsedClient ? ` by ${key.lastUsedClient}` : ""}`}
          </div>
        </li>
      ))}
    </ul>
  );
}
