import { useState } from "react";
import type { AuthMode } from "../bindings/AuthMode";
import type { IpcError } from "../bindings/IpcError";
import type { Surface } from "../bindings/Surface";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { setAuthMode } from "../lib/ipc/oauth";
import "../components/Field.css";
import "./AuthModeSetting.css";

/** Each mode in words, in the order they are offered. */
export const authModes: Record<AuthMode, { label: string; hint: string }> = {
  api_key: {
    label: "API keys only",
    hint: "The surface advertises no OAuth, so clients that drop a key header when OAuth is advertised keep working.",
  },
  oauth: {
    label: "OAuth",
    hint: "Clients authorize in the browser and you approve each one; keys are refused.",
  },
  both: {
    label: "API keys and OAuth",
    hint: "Keys keep working, and clients may also authorize in the browser with your approval.",
  },
};

/** Whether clients may authorize with OAuth on a surface of `mode`. */
export function allowsOauth(mode: AuthMode | undefined): boolean {
  return mode === "oauth" || mode === "both";
}

type AuthModeSettingProps = {
  surfaceRef: SurfaceRef;
  surface: Surface;
  /** The surface, changed here. */
  onSurfaceChanged: (surface: Surface) => void;
  errorContext?: ErrorContext | undefined;
};

/** Which credentials the surface accepts: API keys, OAuth, or both. Saved when chosen. */
export function AuthModeSetting({
  surfaceRef,
  surface,
  onSurfaceChanged,
  errorContext,
}: AuthModeSettingProps) {
  const [saving, setSaving] = useState<AuthMode | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const current = saving ?? surface.authMode;

  const choose = async (mode: AuthMode) => {
    if (saving !== null || mode === surface.authMode) {
      return;
    }
    setSaving(mode);
    setError(null);
    try {
      onSurfaceChanged(await setAuthMode(surfaceRef, mode));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setSaving(null);
    }
  };

  return (
    <fieldset className="fieldset auth-mode" data-testid="auth-mode" aria-busy={saving !== null}>
      <legend className="fieldset__legend">Authentication</legend>
      <div className="choice-list">
        {(Object.keys(authModes) as AuthMode[]).map((mode) => (
          <label key={mode} className="choice choice-card">
            <input
              type="radio"
              name={`auth-mode-${surface.id}`}
              value={mode}
              checked={current === mode}
              disabled={saving !== null}
              data-testid={`auth-mode-${mode}`}
              onChange={() => void choose(mode)}
            />
            <span>
              {authModes[mode].label}
              <span className="field__hint"> — {authModes[mode].hint}</span>
            </span>
          </label>
        ))}
      </div>
      {error && <ErrorBanner error={error} context={errorContext} />}
    </fieldset>
  );
}
