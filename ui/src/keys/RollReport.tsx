import { useId, useState } from "react";
import type { ConfigRollReport } from "../bindings/ConfigRollReport";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import { useClientName } from "../ide/clients";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import "./RollReport.css";

// A grace period may be an hour: the moment matters, not only the day.
const momentFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});
// The sentences around the names are English, so is the list.
const namesFormat = new Intl.ListFormat("en", { type: "conjunction" });

type RollReportProps = {
  report: ConfigRollReport;
  /** The old key, with the expiry the roll gave it. */
  oldKey: KeyMetadata;
};

/** When the old key stops working, as the end of the restart advice. */
function oldKeyNote(oldKey: KeyMetadata, now: Date): string {
  if (oldKey.expiresAt === null) {
    return "";
  }
  const endsAt = new Date(oldKey.expiresAt);
  return endsAt.getTime() <= now.getTime()
    ? " The old key has already stopped working."
    : ` The old key keeps working until ${momentFormat.format(endsAt)}.`;
}

/**
 * What a roll did to the IDE configs that held the old key: each one updated
 * or not (and why), whether the surface accepts the new key, and which
 * clients must restart before the old key stops working.
 */
export function RollReport({ report, oldKey }: RollReportProps) {
  const titleId = useId();
  // "Already stopped" is judged once, when the report appears.
  const [shownAt] = useState(() => new Date());
  const clientName = useClientName();
  const restart = report.restart.map(clientName);
  const failed = report.configs.filter((config) => !config.updated).length;

  return (
    <section className="roll-report" aria-labelledby={titleId} data-testid="roll-config-report">
      <h3 id={titleId} className="roll-report__title">
        IDE configs
      </h3>
      {report.configs.length === 0 ? (
        <p>No IDE config held the old key any more: none was changed.</p>
      ) : (
        <ul className="roll-report__list">
          {report.configs.map((config, n) => (
            <li
              key={`${config.client}:${config.configPath}`}
              className="roll-report__config"
              data-testid={config.updated ? `roll-config-updated-${n}` : `roll-config-failed-${n}`}
            >
              {config.updated ? (
                <Badge tone="success">Updated</Badge>
              ) : (
                <Badge tone="warning">Not updated</Badge>
              )}{" "}
              <span>
                {namesFormat.format(config.clients.map(clientName))}{" "}
                <code>{config.configPath}</code>
              </span>
              {config.places.length > 1 && (
                <ul className="roll-report__places" aria-label="Places of the key in this file">
                  {config.places.map((place) => (
                    <li key={place}>
                      <code>{place}</code>
                    </li>
                  ))}
                </ul>
              )}
              {config.error !== null && <p className="roll-report__error">{config.error}</p>}
              {config.tightened && (
                <p className="roll-report__note">
                  It was readable by every user of this computer; now only you can read it.
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {report.variables.map((variable) => (
        <div
          key={variable.variable}
          className="roll-report__variable"
          data-testid={`roll-config-variable-${variable.variable}`}
        >
          <Badge tone="warning">Update by hand</Badge>{" "}
          <span>
            The variable <code>{variable.variable}</code>{" "}
            {variable.holdsOldKey ? "still holds the old key" : "may still hold the old key"}:{" "}
            {namesFormat.format(variable.clients.map(clientName))}{" "}
            {variable.clients.length === 1 ? "reads" : "read"} it. Put the new key in it
            {variable.setIn.length > 0 ? ", where it is set:" : " wherever your shell sets it."}
          </span>
          {variable.setIn.length > 0 && (
            <ul className="roll-report__places">
              {variable.setIn.map((line) => (
                <li key={line}>
                  <code>{line}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {report.problems.map((problem) => (
        <p key={problem} className="roll-report__error" data-testid="roll-config-problem">
          {problem}
        </p>
      ))}
      <p
        className={`roll-report__verify roll-report__verify--${report.verified ? "ok" : "failed"}`}
        data-testid="roll-config-verified"
        data-verified={report.verified}
      >
        <Icon name={report.verified ? "check" : "alert"} size="sm" />
        {report.verified
          ? "The surface accepts the new key."
          : `The surface did not accept the new key${report.verifyCode ? ` (${report.verifyCode})` : ""}. Check the key on the Keys tab before relying on it.`}
      </p>
      {restart.length > 0 && (
        <p className="roll-report__restart" data-testid="roll-config-restart">
          Restart {namesFormat.format(restart)} so {restart.length === 1 ? "it picks" : "they pick"}{" "}
          up the new key.
          {oldKeyNote(oldKey, shownAt)}
        </p>
      )}
      {failed > 0 && (
        <p className="roll-report__hint">
          Copy the new key into the {failed === 1 ? "config" : "configs"} not updated yourself.
        </p>
      )}
    </section>
  );
}
