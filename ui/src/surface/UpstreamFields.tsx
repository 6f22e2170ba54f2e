import type { UpstreamChoice } from "../bindings/UpstreamChoice";
import { Field } from "../components/Field";
import "../components/Field.css";

/** What a surface fronts, as the form holds it: a kind and the one text it needs. */
export type UpstreamDraft = {
  kind: "none" | UpstreamChoice["kind"];
  /** The folder, the command line or the URL. */
  value: string;
};

export const NO_UPSTREAM: UpstreamDraft = { kind: "none", value: "" };

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

/** The draft as the app sends it; null for none (or nothing typed). */
export function upstreamChoice(draft: UpstreamDraft): UpstreamChoice | null {
  const value = draft.value.trim();
  switch (draft.kind) {
    case "none":
      return null;
    case "folder":
      return { kind: "folder", path: value };
    case "command":
      return { kind: "command", commandLine: value };
    case "url":
      return { kind: "url", url: value };
  }
}

type UpstreamFieldsProps = {
  draft: UpstreamDraft;
  onChange: (draft: UpstreamDraft) => void;
  /** Offer "Tools by name" (no MCP server). */
  allowNone?: boolean;
};

/** Choose what a surface fronts: a folder to share, a command, a URL (or tools by name only). */
export function UpstreamFields({ draft, onChange, allowNone = true }: UpstreamFieldsProps) {
  const shown = allowNone ? kinds : kinds.filter((k) => k.kind !== "none");
  const input = draft.kind === "none" ? null : inputs[draft.kind];
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
                onChange={() => onChange({ kind, value: kind === draft.kind ? draft.value : "" })}
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
    </>
  );
}
