import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { addConnection } from "../lib/ipc/connections";
import { toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import type { Connection } from "../bindings/Connection";
import type { ConnectionKind } from "../bindings/ConnectionKind";
import "../components/Field.css";

export const RUNTYPE_BASE_URL = "https://api.runtype.com";

/** The kinds of connection a user can add; the local one always exists. */
type RemoteConnectionKind = Exclude<ConnectionKind, "local">;

const kinds: Record<
  RemoteConnectionKind,
  { label: string; hint: string; tokenLabel: string; defaultUrl: string; defaultName: string }
> = {
  runtype: {
    label: "Runtype account",
    hint: "Your products and surfaces on Runtype.",
    tokenLabel: "Platform API key",
    defaultUrl: RUNTYPE_BASE_URL,
    defaultName: "Runtype",
  },
  "mcp-keys": {
    label: "Self-hosted mcp-keys server",
    hint: "A team's server run with mcp-keys serve.",
    tokenLabel: "Management token",
    defaultUrl: "",
    defaultName: "",
  },
};

function validUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

type AddConnectionDialogProps = {
  onAdded: (connection: Connection) => void;
  onClose: () => void;
};

/**
 * Adds a Runtype account or a self-hosted server. The token lives in this
 * form's state only until Rust has checked it and put it in the OS keyring.
 */
export function AddConnectionDialog({ onAdded, onClose }: AddConnectionDialogProps) {
  const [kind, setKind] = useState<RemoteConnectionKind>("runtype");
  const [name, setName] = useState(kinds.runtype.defaultName);
  const [baseUrl, setBaseUrl] = useState(kinds.runtype.defaultUrl);
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const about = kinds[kind];

  const changeKind = (next: RemoteConnectionKind) => {
    // Defaults follow the kind until the user typed their own.
    if (baseUrl === kinds[kind].defaultUrl) {
      setBaseUrl(kinds[next].defaultUrl);
    }
    if (name === kinds[kind].defaultName) {
      setName(kinds[next].defaultName);
    }
    setKind(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    const url = baseUrl.trim();
    if (!validUrl(url)) {
      setError({
        code: "invalid_input",
        message: "Enter the server's address, such as https://keys.example.com.",
      });
      return;
    }
    if (token.trim() === "") {
      setError({ code: "invalid_input", message: `Paste the ${about.tokenLabel.toLowerCase()}.` });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const connection = await addConnection({
        kind,
        name: name.trim() || new URL(url).host,
        baseUrl: url,
        token: token.trim(),
      });
      setToken("");
      onAdded(connection);
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add a connection"
      description="Manage the keys of another key service from this app. The token is checked, then kept in your system keyring."
      onDismiss={() => !busy && onClose()}
      data-testid="add-connection-dialog"
    >
      <form className="dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Kind</legend>
          <div className="choice-list">
            {(Object.keys(kinds) as RemoteConnectionKind[]).map((value) => (
              <label key={value} className="choice choice-card">
                <input
                  type="radio"
                  name="connection-kind"
                  value={value}
                  checked={kind === value}
                  autoFocus={kind === value}
                  data-testid={`connection-kind-${value}`}
                  onChange={() => changeKind(value)}
                />
                <span>
                  {kinds[value].label}
                  <span className="field__hint"> — {kinds[value].hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Name">
          {(ids) => (
            <input
              {...ids}
              className="input"
              placeholder="Team server"
              data-testid="connection-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label={kind === "runtype" ? "API base URL" : "Server URL"}>
          {(ids) => (
            <input
              {...ids}
              className="input"
              type="url"
              inputMode="url"
              spellCheck={false}
              placeholder="https://keys.example.com"
              data-testid="connection-url"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
            />
          )}
        </Field>
        <Field label={about.tokenLabel}>
          {(ids) => (
            <input
              {...ids}
              className="input"
              type="password"
              autoComplete="off"
              spellCheck={false}
              data-testid="connection-token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          )}
        </Field>
        {error && (
          <ErrorBanner error={error} context={{ server: baseUrl.trim() || "the server" }} />
        )}
        <div className="dialog-form__actions">
          <Button onClick={onClose} disabled={busy} data-testid="connection-cancel">
            Cancel
          </Button>
          <Button variant="primary" type="submit" disabled={busy} data-testid="connection-submit">
            {busy ? "Checking…" : "Add connection"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
