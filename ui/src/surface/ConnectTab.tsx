import { useEffect, useId, useState } from "react";
import { Button } from "../components/Button";
import { PanelHeader } from "../components/PanelHeader";
import { copyText } from "../lib/copyText";
import { configSnippets, KEY_PLACEHOLDER, type ConfigSnippet } from "../model/ideSnippets";
import type { Surface } from "../bindings/Surface";
import "./ConnectTab.css";

/** Where a client connects to, and a ready config for each IDE (with the key as a placeholder). */
export function ConnectTab({ surface }: { surface: Pick<Surface, "name" | "url"> }) {
  const { name, url } = surface;
  // A server may not say where the endpoint is; then there is nothing to put in a config.
  const snippets = url === null ? [] : configSnippets({ name, url });
  return (
    <>
      <PanelHeader
        title="Connect"
        description={
          <>
            Paste the config for your IDE, then replace <code>{KEY_PLACEHOLDER}</code> with a key
            generated for it on the Keys tab.
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
      <div className="connect-tab__snippets" data-testid="connect-snippets">
        {snippets.map((snippet) => (
          <SnippetCard key={snippet.ide.slug} snippet={snippet} />
        ))}
      </div>
    </>
  );
}

function SnippetCard({ snippet }: { snippet: ConfigSnippet }) {
  const titleId = useId();
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
      data-testid={`snippet-${snippet.ide.slug}`}
    >
      <header className="snippet__header">
        <h3 id={titleId} className="snippet__title">
          {snippet.ide.name}
        </h3>
        <code className="snippet__where">{snippet.where}</code>
        <Button
          size="sm"
          icon={copied === "yes" ? "check" : "copy"}
          aria-label={`Copy the ${snippet.ide.name} config`}
          data-testid={`snippet-copy-${snippet.ide.slug}`}
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
