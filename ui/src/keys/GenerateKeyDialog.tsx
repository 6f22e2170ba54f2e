import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { generateKey, type SurfaceRef } from "../lib/ipc/keys";
import { nextSuggestedName, suggestedKeyName, useKnownClients } from "../ide/clients";
import { getSettings } from "../lib/ipc/settings";
import { useLoad } from "../lib/useLoad";
import type { ClientId } from "../bindings/ClientId";
import type { Environment } from "../bindings/Environment";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { Reveal } from "../bindings/Reveal";
import type { RotationPeriod } from "../bindings/RotationPeriod";
import type { Surface } from "../bindings/Surface";
import { RevealDialog } from "./RevealDialog";
import "../components/Field.css";
import "./KeyDialogs.css";

type GenerateKeyDialogProps = {
  surfaceRef: SurfaceRef;
  surface: Surface;
  errorContext?: ErrorContext | undefined;
  /**
   * The new key's metadata and when it is due for rotation (`null`: never;
   * `undefined`: not known), as soon as it exists (the table shows it behind the reveal).
   */
  onGenerated: (key: KeyMetadata, rotationDue: string | null | undefined) => void;
  onClose: () => void;
  /** The form filled in for a fix the IDEs page offers; the user can still change it. */
  preset?: GeneratePreset | undefined;
};

/** What a fix fills in: the key's name and scopes, the client to install it into first, and why. */
export type GeneratePreset = {
  name?: string | undefined;
  scopes?: readonly string[] | undefined;
  /** Listed first under "Install into…" once the key is made. */
  installFirst?: ClientId | undefined;
  /** Shown above the form: what this key is for. */
  note?: string | undefined;
};

const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 365 days" },
] as const;

const ROTATION_CHOICES = [30, 60, 90, 180, 365] as const;

function daysOrNull(value: string): number | null {
  return value === "never" ? null : Number(value);
}

/** "Remind to rotate" left at the environment's period in Settings. */
const SETTINGS_PERIOD = "settings";

/**
 * The chosen "Remind to rotate": `null` for the environment's period in
 * Settings (Rust applies it), and Never as a value of its own.
 */
function rotationPeriod(value: string): RotationPeriod | null {
  if (value === SETTINGS_PERIOD) {
    return null;
  }
  return value === "never" ? "never" : { days: Number(value) };
}

/** Generate: name, environment, scopes, expiry and rotation; then the copy-once reveal. */
export function GenerateKeyDialog({
  surfaceRef,
  surface,
  errorContext,
  onGenerated,
  onClose,
  preset,
}: GenerateKeyDialogProps) {
  const clients = useKnownClients();
  // Until a name is typed or picked, the suggestion: it may come a moment
  // after the dialog opens, with the clients.
  const [chosenName, setName] = useState<string | null>(preset?.name ?? null);
  const name =
    chosenName ??
    nextSuggestedName(
      clients,
      surface.keys.map((k) => k.name),
    );
  const [environment, setEnvironment] = useState<Environment>(surface.environment);
  const [scopes, setScopes] = useState<ReadonlySet<string>>(() => new Set(preset?.scopes));
  const [expiry, setExpiry] = useState("never");
  const [rotation, setRotation] = useState(SETTINGS_PERIOD);
  const settings = useLoad(getSettings, "settings");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [nameMissing, setNameMissing] = useState(false);
  const [reveal, setReveal] = useState<Reveal | null>(null);

  if (reveal) {
    return (
      <RevealDialog
        reveal={reveal}
        title="Copy your new key"
        errorContext={errorContext}
        onClosed={onClose}
        installInto={surfaceRef}
        installFirst={preset?.installFirst}
      />
    );
  }

  const settingsDays =
    settings.state.status === "ready"
      ? environment === "production"
        ? settings.state.data.productionRotationDays
        : settings.state.data.developmentRotationDays
      : null;

  const toggleScope = (capability: string) => {
    setScopes((previous) => {
      const next = new Set(previous);
      if (!next.delete(capability)) {
        next.add(capability);
      }
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    if (name.trim() === "") {
      setNameMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await generateKey(surfaceRef, {
        name: name.trim(),
        environment,
        // Keep the surface's order, so the request reads like the checkboxes.
        scopes: surface.items.map((i) => i.capabilityName).filter((c) => scopes.has(c)),
        expiresInDays: daysOrNull(expiry),
        rotateEvery: rotationPeriod(rotation),
      });
      onGenerated(result.key, result.rotationDue);
      setReveal(result);
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Generate an API key"
      description={`For ${surface.name}. Give each IDE or teammate its own key, so you can revoke one alone.`}
      size="lg"
      onDismiss={() => !busy && onClose()}
      data-testid="generate-dialog"
    >
      <form className="dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        {preset?.note && (
          <p className="key-dialog__configs" role="note" data-testid="generate-note">
            {preset.note}
          </p>
        )}
        <Field
          label="Name"
          hint={nameMissing ? "Give the key a name, such as the IDE that will use it." : undefined}
        >
          {(ids) => (
            <input
              {...ids}
              className="input"
              autoFocus
              required
              aria-invalid={nameMissing || undefined}
              data-testid="generate-name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setNameMissing(false);
              }}
            />
          )}
        </Field>
        <div className="choice-row" role="group" aria-label="Name it for an IDE">
          {clients.map((client) => {
            const suggestion = suggestedKeyName(client);
            return (
              <button
                key={client.id}
                type="button"
                className="chip"
                aria-pressed={name === suggestion}
                data-testid={`generate-ide-${client.id}`}
                onClick={() => setName(suggestion)}
              >
                {client.name}
              </button>
            );
          })}
        </div>
        <div className="dialog-form__row">
          <Field
            label="Environment"
            hint={
              environment === surface.environment
                ? undefined
                : `This surface is ${surface.environment}: it will refuse a ${environment} key.`
            }
          >
            {(ids) => (
              <select
                {...ids}
                className="select"
                data-testid="generate-environment"
                value={environment}
                onChange={(e) => setEnvironment(e.target.value as Environment)}
              >
                <option value="development">Development</option>
                <option value="production">Production</option>
              </select>
            )}
          </Field>
          <Field label="Expires">
            {(ids) => (
              <select
                {...ids}
                className="select"
                data-testid="generate-expiry"
                value={expiry}
                onChange={(e) => setExpiry(e.target.value)}
              >
                {EXPIRY_CHOICES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Remind to rotate">
            {(ids) => (
              <select
                {...ids}
                className="select"
                data-testid="generate-rotation"
                value={rotation}
                onChange={(e) => setRotation(e.target.value)}
              >
                <option value={SETTINGS_PERIOD}>
                  {settingsDays === null ? "Default" : `Default: ${settingsDays} days`}
                </option>
                {ROTATION_CHOICES.map((days) => (
                  <option key={days} value={String(days)}>
                    Every {days} days
                  </option>
                ))}
                <option value="never">Never</option>
              </select>
            )}
          </Field>
        </div>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Scopes</legend>
          {surface.items.length === 0 ? (
            <p className="field__hint">
              This surface has no capabilities yet; the key will be allowed all of them.
            </p>
          ) : (
            <>
              <div className="choice-row">
                {surface.items.map(({ capabilityName, description }) => (
                  <label key={capabilityName} className="choice" title={description}>
                    <input
                      type="checkbox"
                      data-testid={`generate-scope-${capabilityName}`}
                      checked={scopes.has(capabilityName)}
                      onChange={() => toggleScope(capabilityName)}
                    />
                    <code>{capabilityName}</code>
                  </label>
                ))}
              </div>
              <p className="field__hint">
                {scopes.size === 0
                  ? "None checked: the key may call every capability of this surface."
                  : `The key may call only the ${scopes.size} checked.`}
              </p>
            </>
          )}
        </fieldset>
        {error && <ErrorBanner error={error} context={errorContext} />}
        <div className="dialog-form__actions">
          <Button onClick={onClose} disabled={busy} data-testid="generate-cancel">
            Cancel
          </Button>
          <Button variant="primary" type="submit" disabled={busy} data-testid="generate-submit">
            {busy ? "Generating…" : "Generate key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
