import { useId, useState, type FormEvent } from "react";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { installRevealedKey, installTargets } from "../lib/ipc/install";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { useLoad } from "../lib/useLoad";
import type { AfterRoll } from "../bindings/AfterRoll";
import type { ClientId } from "../bindings/ClientId";
import type { InstallClient } from "../bindings/InstallClient";
import type { IpcError } from "../bindings/IpcError";
import type { KeyInstall } from "../bindings/KeyInstall";
import type { Via } from "../bindings/Via";
import "../components/Field.css";
import "./InstallPanel.css";

type InstallPanelProps = {
  revealId: string;
  surfaceRef: SurfaceRef;
  errorContext?: ErrorContext | undefined;
  /** Listed before every other client (the one a fix on the IDEs page is for). */
  first?: ClientId | undefined;
};

/** Each mechanism in a few words, for its choice. */
const viaLabels: Record<Via, string> = {
  helper: "Helper command",
  bridge: "Local bridge",
  env: "Env variable",
  input: "VS Code prompt",
  literal: "Key in config",
};

/** What the config holds with each mechanism. */
const viaWords: Record<Via, string> = {
  helper: "The config runs mcp-keys, which reads the key from the keyring at each connection.",
  bridge: "The config starts mcp-keys as a local server that adds the key from the keyring.",
  env: "The config names a variable that mcp-keys run fills from the keyring.",
  input: "VS Code asks for the key once and keeps it in its own secret storage.",
  literal: "The key itself is written into the config file.",
};

/** What the client needs after a roll, by mechanism. */
const afterRollWords: Record<AfterRoll, string> = {
  nothing: "A roll needs nothing: it reads the new key by itself.",
  reconnect: "After a roll, reconnect the server.",
  restart: "After a roll, restart the client through mcp-keys run.",
  reenter: "After a roll, enter the new key when VS Code asks.",
  rewrite: "After a roll, install the new key again.",
};

/** `~/.claude.json` for a path under the home folder; other paths as they are. */
export function tildePath(path: string, home: string): string {
  const base = home.replace(/[/\\]+$/, "");
  if (
    base !== "" &&
    (path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}\\`))
  ) {
    return `~${path.slice(base.length)}`;
  }
  return path;
}

/** "Installed into Claude Code through helper: ~/.claude.json — the key is in keyring slot …". */
export function installedSentence(name: string, done: KeyInstall, home: string): string {
  const { installed, slot, envVar } = done;
  let sentence = `Installed into ${name} through ${installed.via}: ${tildePath(installed.configPath, home)}`;
  if (slot) {
    sentence += ` — the key is in keyring slot ${slot.name}`;
  }
  if (envVar && slot) {
    sentence += `; start ${name} through mcp-keys run --slot ${slot.name} -- COMMAND, which sets ${envVar}`;
  }
  return installed.replacedEntry
    ? `${sentence} (server “${installed.serverName}” replaced)`
    : sentence;
}

/**
 * "Install into…" in the reveal of a new key: the clients MCP Keys knows, the
 * ones on this machine first, each with the mechanism it gets and where. An
 * install puts the key into a keyring slot (Rust takes it from the reveal
 * store) and writes a config entry that names the slot.
 */
export function InstallPanel({ revealId, surfaceRef, errorContext, first }: InstallPanelProps) {
  const titleId = useId();
  const targets = useLoad(installTargets, "install-targets");

  return (
    <section className="install" aria-labelledby={titleId} data-testid="install-panel">
      <h3 id={titleId} className="install__title">
        Install into…
      </h3>
      <p className="install__intro">
        MCP Keys keeps the key in your system keyring and points the client's config at it, so no
        config file holds the key.
      </p>
      {targets.state.status === "loading" && (
        <p className="install__loading" role="status">
          <Spinner /> Looking for clients…
        </p>
      )}
      {targets.state.status === "error" && (
        <ErrorBanner
          error={targets.state.error}
          onRetry={targets.retry}
          data-testid="install-load-error"
        />
      )}
      {targets.state.status === "ready" && (
        <ul className="install__list">
          {inOrder(targets.state.data.clients, first).map((client) => (
            <InstallRow
              key={client.id}
              client={client}
              home={targets.state.status === "ready" ? targets.state.data.home : ""}
              revealId={revealId}
              surfaceRef={surfaceRef}
              errorContext={errorContext}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** `first`, then the clients on this machine, each group in the registry's order. */
function inOrder(clients: readonly InstallClient[], first: ClientId | undefined): InstallClient[] {
  const rest = clients.filter((c) => c.id !== first);
  return [
    ...clients.filter((c) => c.id === first),
    ...rest.filter((c) => c.detected),
    ...rest.filter((c) => !c.detected),
  ];
}

type Scope = "user" | "project";

type RowState =
  | { status: "idle" }
  | { status: "busy" }
  | { status: "done"; install: KeyInstall }
  | { status: "failed"; error: IpcError };

type InstallRowProps = {
  client: InstallClient;
  home: string;
  revealId: string;
  surfaceRef: SurfaceRef;
  errorContext?: ErrorContext | undefined;
};

/** One client: its mechanism, user or project config, and Install. */
function InstallRow({ client, home, revealId, surfaceRef, errorContext }: InstallRowProps) {
  const id = client.id;
  const ids = useId();
  const [via, setVia] = useState<Via>(client.defaultVia);
  const [scope, setScope] = useState<Scope>(client.userConfig === null ? "project" : "user");
  const [project, setProject] = useState("");
  const [projectMissing, setProjectMissing] = useState(false);
  const [state, setState] = useState<RowState>({ status: "idle" });
  const mechanism = client.mechanisms.find((m) => m.via === via) ?? client.mechanisms[0];

  if (!mechanism) {
    // A client of the registry without install forms: nothing to offer.
    return null;
  }

  const install = async (event: FormEvent) => {
    event.preventDefault();
    if (state.status === "busy") {
      return;
    }
    const folder = project.trim();
    if (scope === "project" && folder === "") {
      setProjectMissing(true);
      return;
    }
    setState({ status: "busy" });
    try {
      const done = await installRevealedKey(revealId, surfaceRef, {
        client: id,
        via,
        project: scope === "project" ? folder : null,
      });
      setState({ status: "done", install: done });
    } catch (e) {
      setState({ status: "failed", error: toIpcError(e) });
    }
  };

  const where =
    scope === "user"
      ? client.userConfig && tildePath(client.userConfig, home)
      : client.projectConfig && `PROJECT/${client.projectConfig}`;

  return (
    <li className="install__client" data-testid={`install-client-${id}`}>
      <form className="install__form" onSubmit={(e) => void install(e)} aria-label={client.name}>
        <div className="install__name">
          <span className="install__client-name">{client.name}</span>
          {client.detected && (
            <span data-testid={`install-detected-${id}`}>
              <Badge tone="success" dot>
                detected
              </Badge>
            </span>
          )}
        </div>
        {client.mechanisms.length > 1 ? (
          <select
            className="select install__via"
            aria-label={`How ${client.name} gets the key`}
            data-testid={`install-via-${id}`}
            value={via}
            onChange={(e) => setVia(e.target.value as Via)}
          >
            {client.mechanisms.map((m) => (
              <option key={m.via} value={m.via}>
                {viaLabels[m.via]}
              </option>
            ))}
          </select>
        ) : (
          <span className="install__via install__via--only" data-testid={`install-via-${id}`}>
            {viaLabels[mechanism.via]}
          </span>
        )}
        <select
          className="select install__scope"
          aria-label={`Which ${client.name} config`}
          data-testid={`install-scope-${id}`}
          value={scope}
          onChange={(e) => {
            setScope(e.target.value as Scope);
            setProjectMissing(false);
          }}
        >
          <option value="user" disabled={client.userConfig === null}>
            User config
          </option>
          <option value="project" disabled={client.projectConfig === null}>
            Project…
          </option>
        </select>
        <Button
          type="submit"
          size="sm"
          variant="secondary"
          {...(state.status === "done" ? { icon: "check" as const } : {})}
          disabled={state.status === "busy"}
          data-testid={`install-submit-${id}`}
        >
          {state.status === "busy"
            ? "Installing…"
            : state.status === "done"
              ? "Installed"
              : "Install"}
        </Button>
        {scope === "project" && (
          <div className="install__project">
            <label className="install__project-label" htmlFor={`${ids}-project`}>
              Project folder
            </label>
            <input
              id={`${ids}-project`}
              className="input install__project-input"
              data-testid={`install-project-${id}`}
              placeholder="/home/you/code/project"
              spellCheck={false}
              value={project}
              aria-invalid={projectMissing || undefined}
              onChange={(e) => {
                setProject(e.target.value);
                setProjectMissing(false);
              }}
            />
          </div>
        )}
        <p className="install__why" data-testid={`install-why-${id}`}>
          {viaWords[mechanism.via]} {afterRollWords[mechanism.afterRoll]}
          {where && <span className="install__where"> Writes {where}.</span>}
        </p>
        {projectMissing && (
          <p className="install__invalid" role="alert">
            Enter the full path of the project folder.
          </p>
        )}
      </form>
      {state.status === "done" && (
        <p className="install__done" role="status" data-testid={`install-result-${id}`}>
          {installedSentence(client.name, state.install, home)}
        </p>
      )}
      {state.status === "failed" && (
        <ErrorBanner
          error={state.error}
          context={errorContext}
          data-testid={`install-error-${id}`}
        />
      )}
    </li>
  );
}
