import { useId, useState } from "react";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import "../components/Field.css";
import { PanelHeader } from "../components/PanelHeader";
import { Spinner } from "../components/Spinner";
import { toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { getAutostart, setAutostart } from "../lib/ipc/settings";
import { useLoad } from "../lib/useLoad";

/**
 * "Start MCP Keys at login", applied as soon as it is ticked: the system's
 * login item is the setting, so there is nothing to save.
 */
export function AutostartSetting() {
  const hintId = useId();
  const autostart = useLoad(getAutostart, "autostart");
  const { state } = autostart;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [changed, setChanged] = useState(false);

  const toggle = async (enabled: boolean) => {
    if (pending) {
      return;
    }
    setPending(true);
    setError(null);
    try {
      const now = await setAutostart(enabled);
      autostart.update(() => now);
      setChanged(true);
    } catch (failure) {
      setError(toIpcError(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="settings-section">
      <PanelHeader
        title="Startup"
        description="Reminders arrive only while MCP Keys runs. Closing the window keeps it in the tray."
      />
      {state.status === "loading" && (
        <div className="settings-page__status" role="status">
          <Spinner />
          Checking the login item…
        </div>
      )}
      {state.status === "error" && (
        <div className="settings-section__stack">
          <ErrorBanner error={state.error} data-testid="settings-autostart-error" />
          <div>
            <Button
              size="sm"
              icon="retry"
              onClick={autostart.retry}
              data-testid="settings-autostart-retry"
            >
              Try again
            </Button>
          </div>
        </div>
      )}
      {state.status === "ready" && (
        <div className="settings-section__stack">
          <label className="choice settings-autostart">
            <input
              type="checkbox"
              checked={state.data}
              aria-describedby={hintId}
              aria-busy={pending}
              onChange={(event) => void toggle(event.target.checked)}
              data-testid="settings-autostart"
            />
            Start MCP Keys at login
          </label>
          <p id={hintId} className="field__hint">
            It starts hidden in the tray, so rotation reminders reach you without opening the
            window.
          </p>
          <p className="settings-autostart__status" role="status">
            {pending
              ? "Applying…"
              : changed &&
                (state.data
                  ? "MCP Keys will start at login."
                  : "MCP Keys won't start at login any more.")}
          </p>
          {error && <ErrorBanner error={error} data-testid="settings-autostart-error" />}
        </div>
      )}
    </section>
  );
}
