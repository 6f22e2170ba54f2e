import type { ConnectionKind } from "../bindings/ConnectionKind";
import type { UpstreamChoice } from "../bindings/UpstreamChoice";
import type { UpstreamSecretChoice } from "../bindings/UpstreamSecretChoice";
import { Field } from "../components/Field";
import "../components/Field.css";

/** What a surface fronts, as the form holds it. */
export type UpstreamDraft = {
  kind: "none" | UpstreamChoice["kind"];
  /** The folder, the command line or the URL. */
  value: string;
  /** Whether the server is given a secret: a credential header (URL) or an environment variable (command). */
  withSecret: boolean;
  /** The header or the environment variable that carries the secret. */
  secretName: string;
  /** The secret's value, typed for the app's own key service; sent once, beside the choice. */
  secretValue: string;
  /**
   * The name the secret is kept under: on another key service, the one set there; for the
   * app's own, the one the surface already uses (empty: the app names it).
   */
  secretRef: string;
  /** One process for every client (command). */
  shared: boolean;
};

export const NO_UPSTREAM: UpstreamDraft = {
  kind: "none",
  value: "",
  withSecret: false,
  secretName: "",
  secretValue: "",
  secretRef: "",
  shared: false,
};

/** The header a remote server's credential goes in, unless the person says another. */
export const DEFAULT_CREDENTIAL_HEADER = "Authorization";

const kinds: { kind: UpstreamDraft["kind"]; label: string }[] = [
  { kind: "none", label: "Tools by name" },
  { kind: "folder", label: "Share a folder" },
  { kind: "command", label: "A local command" },
  { kind: "url", label: "A remote server" },
];

const inputs: Record<
  Exclude<UpstreamDraft["kind"], "none">,
  { label: string; placeholder: string; hint: string }
> = {
  folder: {
    label: "Folder",
    placeholder: "/home/you/notes",
    hint: "Clients can read (and, with keys that allow it, write) the files in this folder through the official filesystem MCP server, started with npx.",
  },
  command: {
    label: "Command",
    placeholder: "uvx mcp-server-time",
    hint: "A local MCP server speaking stdio, as one command line. It runs without a shell, started when a client first needs it.",
  },
  url: {
    label: "URL",
    placeholder: "https://mcp.example.org/mcp",
    hint: "A remote MCP server speaking Streamable HTTP.",
  },
};

/** The words of the secret section, by kind of server. */
const secretTexts = {
  command: {
    legend: "Secret environment variable",
    toggle: "The command needs a secret in its environment",
    nameLabel: "Variable",
    namePlaceholder: "GITHUB_PERSONAL_ACCESS_TOKEN",
    valuePlaceholder: "",
  },
  url: {
    legend: "Credential",
    toggle: "The server needs a credential",
    nameLabel: "Header",
    namePlaceholder: DEFAULT_CREDENTIAL_HEADER,
    valuePlaceholder: "Bearer …",
  },
};

/** Whether a connection is the app's own key service, whose secrets the app keeps in the OS keyring. */
export function keepsSecretsHere(connectionKind: ConnectionKind): boolean {
  return connectionKind === "local";
}

/** The secret part of the choice: the header or variable, and the name given for it, if any. */
function secretChoice(draft: UpstreamDraft): UpstreamSecretChoice | null {
  if (!draft.withSecret) {
    return null;
  }
  const secretRef = draft.secretRef.trim();
  return secretRef === ""
    ? { name: draft.secretName.trim() }
    : { name: draft.secretName.trim(), secretRef };
}

/** The draft as the app sends it; null for none (or nothing typed). */
export function upstreamChoice(draft: UpstreamDraft): UpstreamChoice | null {
  const value = draft.value.trim();
  const secret = secretChoice(draft);
  switch (draft.kind) {
    case "none":
      return null;
    case "folder":
      return { kind: "folder", path: value };
    case "command":
      return secret
        ? { kind: "command", commandLine: value, secretEnv: secret, shared: draft.shared }
        : { kind: "command", commandLine: value, shared: draft.shared };
    case "url":
      return secret ? { kind: "url", url: value, credential: secret } : { kind: "url", url: value };
  }
}

/**
 * The secret's value to send beside the choice: only to the app's own key service, and
 * only when one was typed (none keeps the value saved under the secret's name).
 */
export function upstreamSecret(
  draft: UpstreamDraft,
  connectionKind: ConnectionKind,
): string | null {
  const sent =
    draft.withSecret &&
    draft.kind !== "none" &&
    draft.kind !== "folder" &&
    draft.secretValue !== "";
  return sent && keepsSecretsHere(connectionKind) ? draft.secretValue : null;
}

/** What the person still has to fill in before the draft can be sent, in words; null when nothing. */
export function upstreamProblem(
  draft: UpstreamDraft,
  connectionKind: ConnectionKind,
): string | null {
  if (draft.kind === "none") {
    return null;
  }
  if (draft.value.trim() === "") {
    return "Give the folder, the command or the URL.";
  }
  if (!draft.withSecret || draft.kind === "folder") {
    return null;
  }
  const carrier = draft.kind === "url" ? "the header" : "the environment variable";
  if (draft.secretName.trim() === "") {
    return `Give ${carrier} that carries the secret.`;
  }
  if (!keepsSecretsHere(connectionKind)) {
    return draft.secretRef.trim() === ""
      ? "Give the secret's name as it is set on the server."
      : null;
  }
  // A secret the surface does not use yet needs its value; one it uses keeps its own.
  return draft.secretRef.trim() === "" && draft.secretValue.trim() === ""
    ? `Paste the secret's value for ${carrier}.`
    : null;
}

type UpstreamFieldsProps = {
  draft: UpstreamDraft;
  onChange: (draft: UpstreamDraft) => void;
  /** The key service the surface is on: the app's own keeps secrets in the OS keyring. */
  connectionKind: ConnectionKind;
  /** Offer "Tools by name" (no MCP server). */
  allowNone?: boolean;
};

/** Choose what a surface fronts: a folder to share, a command, a URL (or tools by name only). */
export function UpstreamFields({
  draft,
  onChange,
  connectionKind,
  allowNone = true,
}: UpstreamFieldsProps) {
  const shown = allowNone ? kinds : kinds.filter((k) => k.kind !== "none");
  const input = draft.kind === "none" ? null : inputs[draft.kind];
  const choose = (kind: UpstreamDraft["kind"]) =>
    onChange(
      kind === draft.kind
        ? draft
        : {
            ...NO_UPSTREAM,
            kind,
            secretName: kind === "url" ? DEFAULT_CREDENTIAL_HEADER : "",
          },
    );
  return (
    <>
      <fieldset className="fieldset" data-testid="upstream-kind">
        <legend className="fieldset__legend">MCP server</legend>
        <div className="choice-row">
          {shown.map(({ kind, label }) => (
            <label key={kind} className="choice">
              <input
                type="radio"
                name="upstream-kind"
                value={kind}
                checked={draft.kind === kind}
                data-testid={`upstream-kind-${kind}`}
                onChange={() => choose(kind)}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {input && (
        <Field label={input.label} hint={input.hint}>
          {(ids) => (
            <input
              {...ids}
              className="input"
              data-testid="upstream-value"
              placeholder={input.placeholder}
              spellCheck={false}
              autoComplete="off"
              value={draft.value}
              onChange={(e) => onChange({ ...draft, value: e.target.value })}
            />
          )}
        </Field>
      )}
      {draft.kind === "command" && (
        <div className="field">
          <label className="choice">
            <input
              type="checkbox"
              checked={draft.shared}
              data-testid="upstream-shared"
              onChange={(e) => onChange({ ...draft, shared: e.target.checked })}
            />
            One process for every client
          </label>
          <p className="field__hint">
            For servers that keep nothing per client. Leave it off for servers that keep state per
            client (roots, subscriptions, what they asked a client): each client session then gets
            its own process, and the server can ask its client for sampling or input.
          </p>
        </div>
      )}
      {(draft.kind === "command" || draft.kind === "url") && (
        <SecretFields
          draft={draft}
          kind={draft.kind}
          onChange={onChange}
          connectionKind={connectionKind}
        />
      )}
    </>
  );
}

type SecretFieldsProps = {
  draft: UpstreamDraft;
  kind: "command" | "url";
  onChange: (draft: UpstreamDraft) => void;
  connectionKind: ConnectionKind;
};

/**
 * The secret a server is given: its header or variable, and its value (saved in the OS
 * keyring for the app's own key service) or, for another key service, its name there.
 */
function SecretFields({ draft, kind, onChange, connectionKind }: SecretFieldsProps) {
  const texts = secretTexts[kind];
  const here = keepsSecretsHere(connectionKind);
  const kept = draft.secretRef.trim();
  return (
    <fieldset className="fieldset" data-testid="upstream-secret">
      <legend className="fieldset__legend">{texts.legend}</legend>
      <label className="choice">
        <input
          type="checkbox"
          checked={draft.withSecret}
          data-testid="upstream-secret-toggle"
          onChange={(e) => onChange({ ...draft, withSecret: e.target.checked })}
        />
        {texts.toggle}
      </label>
      {draft.withSecret && (
        <div className="dialog-form__row">
          <Field label={texts.nameLabel}>
            {(ids) => (
              <input
                {...ids}
                className="input"
                data-testid="upstream-secret-name"
                placeholder={texts.namePlaceholder}
                spellCheck={false}
                autoComplete="off"
                value={draft.secretName}
                onChange={(e) => onChange({ ...draft, secretName: e.target.value })}
              />
            )}
          </Field>
          {here ? (
            <Field
              label="Value"
              hint={
                kept === ""
                  ? "Saved in the OS keyring, where this computer's key service reads it; no file holds it."
                  : `Saved in the OS keyring as ${kept}; leave it empty to keep the value saved there.`
              }
            >
              {(ids) => (
                <input
                  {...ids}
                  className="input"
                  type="password"
                  data-testid="upstream-secret-value"
                  placeholder={texts.valuePlaceholder}
                  spellCheck={false}
                  autoComplete="off"
                  value={draft.secretValue}
                  onChange={(e) => onChange({ ...draft, secretValue: e.target.value })}
                />
              )}
            </Field>
          ) : (
            <Field
              label="Secret name on the server"
              hint="Set where that key service runs, as its MCP_KEYS_SECRET_<NAME> variable or in its secrets file; the app never sees the value."
            >
              {(ids) => (
                <input
                  {...ids}
                  className="input"
                  data-testid="upstream-secret-ref"
                  placeholder="github-pat"
                  spellCheck={false}
                  autoComplete="off"
                  value={draft.secretRef}
                  onChange={(e) => onChange({ ...draft, secretRef: e.target.value })}
                />
              )}
            </Field>
          )}
        </div>
      )}
    </fieldset>
  );
}
