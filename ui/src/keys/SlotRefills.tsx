import { useId } from "react";
import type { AfterRoll } from "../bindings/AfterRoll";
import type { SlotRefill } from "../bindings/SlotRefill";
import { useClientName } from "../ide/clients";
import "./RollReport.css";

/** What a client installed through a keyring slot needs after a roll. */
const AFTER_ROLL: Record<AfterRoll, string> = {
  nothing: "needs nothing: its bridge reads the new key",
  reconnect: "uses it at its next connection",
  restart: "needs a restart through mcp-keys run",
  reenter: "asks for the key again: clear its saved input",
  rewrite: "had the key written into its config",
};

type SlotRefillsProps = {
  slots: SlotRefill[];
};

/**
 * The keyring slots a roll moved to the new key: the clients installed
 * through them need no config edit, and this says what each needs instead.
 */
export function SlotRefills({ slots }: SlotRefillsProps) {
  const titleId = useId();
  const clientName = useClientName();
  if (slots.length === 0) {
    return null;
  }
  return (
    <section className="roll-report" aria-labelledby={titleId} data-testid="roll-slots">
      <h3 id={titleId} className="roll-report__title">
        Keyring slots
      </h3>
      <ul className="roll-report__list">
        {slots.map((refill) => (
          <li key={refill.slot} data-testid={`roll-slot-${refill.slot}`}>
            {refill.error === null
              ? `${refill.slot} holds the new key${
                  refill.client !== null && refill.afterRoll !== null
                    ? `: ${clientName(refill.client)} ${AFTER_ROLL[refill.afterRoll]}`
                    : ""
                }.`
              : `${refill.slot} still holds the old key: ${refill.error}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
