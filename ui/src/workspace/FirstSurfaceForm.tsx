import { useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { Field } from "../components/Field";
import { toIpcError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { createProduct, createSurface, syncSurface } from "../lib/ipc/workspace";
import { serverName } from "../model/selection";
import type { Connection } from "../bindings/Connection";
import type { Environment } from "../bindings/Environment";
import type { Product } from "../bindings/Product";
import type { Surface } from "../bindings/Surface";
import {
  NO_UPSTREAM,
  UpstreamFields,
  upstreamChoice,
  upstreamProblem,
  upstreamSecret,
  type UpstreamDraft,
} from "../surface/UpstreamFields";
import "../components/Field.css";

/** Capabilities a first surface starts with; each becomes a tool keys can be scoped to. */
export const DEFAULT_CAPABILITIES = "search, fetch, summarize";

type FirstSurfaceFormProps = {
  connection: Connection;
  existingProduct?: Product | undefined;
  onCreated: (product: Product, surface: Surface) => void;
};

/** "a, b,, c " → ["a", "b", "c"], without repeats. */
export function parseCapabilities(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((c) => c.trim())
        .filter((c) => c !== ""),
    ),
  ];
}

/** Product and surface in one go, with defaults that work as they are. */
export function FirstSurfaceForm({
  connection,
  existingProduct,
  onCreated,
}: FirstSurfaceFormProps) {
  const [productName, setProductName] = useState("My MCP server");
  const [surfaceName, setSurfaceName] = useState("Local tools");
  const [environment, setEnvironment] = useState<Environment>("development");
  const [capabilities, setCapabilities] = useState(DEFAULT_CAPABILITIES);
  const [upstream, setUpstream] = useState<UpstreamDraft>(NO_UPSTREAM);
  // Kept when the surface fails after the product was made, so a retry makes no second product.
  const [product, setProduct] = useState<Product | undefined>(existingProduct);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    if ((!product && productName.trim() === "") || surfaceName.trim() === "") {
      setError({ code: "invalid_input", message: "Give the product and the surface a name." });
      return;
    }
    const problem = upstreamProblem(upstream, connection.kind);
    if (problem) {
      setError({ code: "invalid_input", message: problem });
      return;
    }
    const choice = upstreamChoice(upstream);
    setBusy(true);
    setError(null);
    try {
      const owner = product ?? (await createProduct(connection.id, productName.trim()));
      setProduct(owner);
      const created = await createSurface(
        connection.id,
        owner.id,
        surfaceName.trim(),
        environment,
        choice ? [] : parseCapabilities(capabilities),
        choice,
        upstreamSecret(upstream, connection.kind),
      );
      // The capabilities of a server are what it offers: read them now, so
      // keys can be scoped to them. A server that cannot start yet is
      // explained in the surface's Server tab; the surface is made either way.
      const surface = choice
        ? await syncSurface(connection.id, owner.id, created.id).catch(() => created)
        : created;
      onCreated(owner, surface);
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  };

  return (
    <form
      className="first-surface dialog-form"
      onSubmit={(e) => void submit(e)}
      aria-label="Create your first surface"
      data-testid="first-surface-form"
    >
      {product ? (
        <p className="field__hint">
          In product <strong>{product.name}</strong>
        </p>
      ) : (
        <Field label="Product">
          {(ids) => (
            <input
              {...ids}
              className="input"
              data-testid="first-product-name"
              value={productName}
              onChange={(e) => setProductName(e.target.value)}
            />
          )}
        </Field>
      )}
      <div className="dialog-form__row">
        <Field label="Surface">
          {(ids) => (
            <input
              {...ids}
              className="input"
              data-testid="first-surface-name"
              value={surfaceName}
              onChange={(e) => setSurfaceName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Environment">
          {(ids) => (
            <select
              {...ids}
              className="select"
              data-testid="first-surface-environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value as Environment)}
            >
              <option value="development">Development</option>
              <option value="production">Production</option>
            </select>
          )}
        </Field>
      </div>
      <UpstreamFields draft={upstream} onChange={setUpstream} connectionKind={connection.kind} />
      {upstream.kind === "none" && (
        <Field
          label="Capabilities"
          hint="The tools of your MCP server, separated by commas. Keys can be limited to some of them."
        >
          {(ids) => (
            <input
              {...ids}
              className="input"
              data-testid="first-surface-capabilities"
              value={capabilities}
              onChange={(e) => setCapabilities(e.target.value)}
            />
          )}
        </Field>
      )}
      {error && <ErrorBanner error={error} context={{ server: serverName(connection) }} />}
      <div className="dialog-form__actions">
        <Button variant="primary" type="submit" disabled={busy} data-testid="first-surface-submit">
          {busy
            ? upstream.kind === "none"
              ? "Creating…"
              : "Creating and starting the server…"
            : "Create surface"}
        </Button>
      </div>
    </form>
  );
}
