import { useRef, useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { Icon } from "../components/Icon";
import { PanelHeader } from "../components/PanelHeader";
import { toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { setSettings } from "../lib/ipc/settings";
import type { Settings } from "../bindings/Settings";
import {
  fieldError,
  fieldOrder,
  limits,
  toInput,
  validate,
  type SettingsField,
  type SettingsInput,
} from "./settingsInput";

type SettingsFormProps = {
  settings: Settings;
  /** Rust stored these. */
  onSaved: (settings: Settings) => void;
};

type FieldSpec = {
  label: string;
  unit: string;
  hint: string;
  testId: string;
};

const fields: Record<SettingsField, FieldSpec> = {
  clipboardClearSeconds: {
    label: "Clear the clipboard after",
    unit: "seconds",
    hint: "A copied key is wiped from the clipboard after this delay, if it is still there. From 1 to 600 seconds.",
    testId: "settings-clipboard-seconds",
  },
  productionRotationDays: {
    label: "Production keys",
    unit: "days",
    hint: "How often a production key should be rolled, unless the key sets its own period.",
    testId: "settings-rotation-production",
  },
  developmentRotationDays: {
    label: "Development keys",
    unit: "days",
    hint: "How often a development key should be rolled, unless the key sets its own period.",
    testId: "settings-rotation-development",
  },
};

type SaveState =
  | { status: "idle" }
  | { status: "saving" }
  | { status: "saved" }
  | { status: "error"; error: IpcError };

/** The clipboard delay and the default rotation periods, saved together. */
export function SettingsForm({ settings, onSaved }: SettingsFormProps) {
  const [input, setInput] = useState<SettingsInput>(() => toInput(settings));
  const [errors, setErrors] = useState<Partial<Record<SettingsField, string>>>({});
  const [save, setSave] = useState<SaveState>({ status: "idle" });
  const inputs = useRef(new Map<SettingsField, HTMLInputElement>());

  const edit = (field: SettingsField, value: string) => {
    setInput((previous) => ({ ...previous, [field]: value }));
    // A fixed field stops complaining at once; the others wait for the next save.
    if (errors[field] !== undefined && fieldError(field, value) === null) {
      setErrors(({ [field]: _, ...rest }) => rest);
    }
    if (save.status !== "saving") {
      setSave({ status: "idle" });
    }
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.status === "saving") {
      return;
    }
    const checked = validate(input);
    if (!checked.ok) {
      setErrors(checked.errors);
      setSave({ status: "idle" });
      const first = fieldOrder.find((field) => checked.errors[field] !== undefined);
      if (first) {
        inputs.current.get(first)?.focus();
      }
      return;
    }
    setErrors({});
    setSave({ status: "saving" });
    try {
      // Fields this form doesn't know about go back as they came.
      const saved = await setSettings({ ...settings, ...checked.values });
      setInput(toInput(saved));
      setSave({ status: "saved" });
      onSaved(saved);
    } catch (error) {
      setSave({ status: "error", error: toIpcError(error) });
    }
  };

  const control = (field: SettingsField) => {
    const spec = fields[field];
    const error = errors[field];
    return (
      <Field
        label={`${spec.label} (${spec.unit})`}
        hint={
          error === undefined ? (
            spec.hint
          ) : (
            <span className="settings-field__error" data-testid={`${spec.testId}-error`}>
              <Icon name="alert" size="sm" />
              {error}
            </span>
          )
        }
      >
        {(ids) => (
          <input
            {...ids}
            ref={(node) => {
              if (node) {
                inputs.current.set(field, node);
              } else {
                inputs.current.delete(field);
              }
            }}
            className="input settings-field__input"
            type="number"
            inputMode="numeric"
            min={limits[field].min}
            max={limits[field].max}
            step={1}
            required
            aria-invalid={error !== undefined}
            value={input[field]}
            onChange={(event) => edit(field, event.target.value)}
            data-testid={spec.testId}
          />
        )}
      </Field>
    );
  };

  return (
    <form className="settings-form" noValidate onSubmit={(event) => void onSubmit(event)}>
      <section className="settings-section">
        <PanelHeader title="Clipboard" description="Copying a key puts it on the clipboard." />
        {control("clipboardClearSeconds")}
      </section>
      <section className="settings-section">
        <PanelHeader
          title="Rotation reminders"
          description="MCP Keys reminds you when a key is due for rotation. New keys use these periods."
        />
        <div className="settings-section__row">
          {control("productionRotationDays")}
          {control("developmentRotationDays")}
        </div>
      </section>
      {save.status === "error" && <ErrorBanner error={save.error} />}
      <div className="settings-form__actions">
        <p className="settings-form__saved" role="status">
          {save.status === "saved" && (
            <span data-testid="settings-saved">
              <Icon name="check" size="sm" />
              Settings saved.
            </span>
          )}
        </p>
        <Button
          type="submit"
          variant="primary"
          aria-disabled={save.status === "saving" || undefined}
          data-testid="settings-save"
        >
          {save.status === "saving" ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
