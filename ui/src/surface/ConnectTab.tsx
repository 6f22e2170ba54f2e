import { useEffect, useId, useState } from "react";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import { PanelHeader } from "../components/PanelHeader";
import { useClientName } from "../ide/clients";
import { copyText } from "../lib/copyText";
import { ideSnippets } from "../lib/ipc/ide";
import { useLoad } from "../lib/useLoad";
import type { ConfigSnippet } from "../bindings/ConfigSnippet";
import type { ConnectSnippets } from "../bindings/ConnectSnippets";
import type { Surface } from "../bindings/Surface";
import "./ConnectTab.css";

/** A server may not say where the endpoint is; then there is nothing to put in a config. */
const NO_SNIPPETS: ConnectSnippets = { keyPlaceholder: "", snippets: [] };

/** Where a client connects to, and a ready config for each IDE (with the key as a placeholder). */
export function ConnectTab({ surface }: { surface: Pick<Surface, "name" | "url"> }) {
  const { name, url } = surface;
  const load = useLoad(
    () => (url === null ? Promise.resolve(NO_SNIPPETS) : ideSnippets({ name, url })),
    `${name}\n${url ?? ""}`,
  );
  const { state } = load;
  const placeholder = state.status === "ready" ? state.data.keyPlaceholder : "";
  return (
    <>
      <PanelHeader
        title="Connect"
        description={
          <>
            Paste the config for your IDE, then replace{" "}
            {placeholder ? <code>{placeholder}</code> : "the placeholder"} with a key generated for
            it on the Keys tab.
          </>
        }
      />
      <dl className="connect-tab__facts">
        <dt>MCP endpoint</dt>
        <dd>
          {url === null ? "Not given by this server" : <code data-testid="connect-url">{url}</code>}
        </dd>
        <dt>Authentication</dt>
        <dd>
          <code>Authorization: Bearer mcp_…</code>
        </dd>
      </dl>
      {state.status === "error" && <ErrorBanner error={state.error} onRetry={load.retry} />}
      <div className="connect-tab__snippets" data-testid="connect-snippets">
        {state.status === "ready" &&
          state.data.snippets.map((snippet) => (
            <SnippetCard key={snippet.client} snippet={snippet} />
          ))}
      </div>
    </>
  );
}

function SnippetCard({ snippet }: { snippet: ConfigSnippet }) {
  const titleId = useId();
  const clientName = useClientName()(snippet.client);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  useEffect(() => {
    if (copied === null) {
      return;
    }
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = () => {
    copyText(snippet.text).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  };

  return (
    <section
      className="snippet"
      aria-labelledby={titleId}
      data-testid={`snippet-${snippet.client}`}
    >
      <header className="snippet__header">
        <h3 id={titleId} className="snippet__title">
          {clientName}
        </h3>
        <code className="snippet__where">{snippet.where}</code>
        <Button
          size="sm"
          icon={copied === "yes" ? "check" : "copy"}
          aria-label={`Copy the ${clientName} config`}
          data-testid={`snippet-copy-${snippet.client}`}
          onClick={copy}
        >
          {copied === "yes" ? "Copied" : copied === "failed" ? "Select and copy" : "Copy"}
        </Button>
      </header>
      <pre className="snippet__code" data-language={snippet.language} tabIndex={0}>
        <code>{snippet.text}</code>
      </pre>
    </section>
  );
}
