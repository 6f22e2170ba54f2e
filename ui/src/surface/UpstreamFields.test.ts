import { describe, expect, it } from "vitest";
import {
  NO_UPSTREAM,
  upstreamChoice,
  upstreamProblem,
  upstreamSecret,
  type UpstreamDraft,
} from "./UpstreamFields";

const remote: UpstreamDraft = {
  ...NO_UPSTREAM,
  kind: "url",
  value: " https://mcp.example.org/mcp ",
  withSecret: true,
  secretName: " Authorization ",
  secretValue: "Bearer s3cr3t",
};

describe("UpstreamFields", () => {
  it("sends the secret's header by name in the choice and its value beside it", () => {
    expect(upstreamChoice(remote)).toEqual({
      kind: "url",
      url: "https://mcp.example.org/mcp",
      credential: { name: "Authorization" },
    });
    expect(JSON.stringify(upstreamChoice(remote))).not.toContain("s3cr3t");
    expect(upstreamSecret(remote, "local")).toBe("Bearer s3cr3t");
  });

  it("never sends a value to another key service, nor one that was not asked for", () => {
    expect(upstreamSecret(remote, "mcp-keys")).toBeNull();
    expect(upstreamSecret(remote, "runtype")).toBeNull();
    expect(upstreamSecret({ ...remote, withSecret: false }, "local")).toBeNull();
    expect(upstreamSecret({ ...remote, kind: "folder" }, "local")).toBeNull();
    expect(upstreamSecret({ ...remote, secretValue: "" }, "local")).toBeNull();
    expect(upstreamChoice({ ...remote, withSecret: false })).toEqual({
      kind: "url",
      url: "https://mcp.example.org/mcp",
    });
  });

  it("a command says whether its clients share one process", () => {
    const command: UpstreamDraft = {
      ...NO_UPSTREAM,
      kind: "command",
      value: "uvx mcp-server-time",
    };
    expect(upstreamChoice(command)).toEqual({
      kind: "command",
      commandLine: "uvx mcp-server-time",
      shared: false,
    });
    expect(upstreamChoice({ ...command, shared: true })).toMatchObject({ shared: true });
  });

  it("says what is missing before anything is sent", () => {
    expect(upstreamProblem(NO_UPSTREAM, "local")).toBeNull();
    expect(upstreamProblem({ ...remote, value: " " }, "local")).toBe(
      "Give the folder, the command or the URL.",
    );
    expect(upstreamProblem({ ...remote, secretName: "" }, "local")).toBe(
      "Give the header that carries the secret.",
    );
    expect(upstreamProblem({ ...remote, secretValue: "" }, "local")).toBe(
      "Paste the secret's value for the header.",
    );
    // A secret the surface already uses keeps its value.
    expect(
      upstreamProblem({ ...remote, secretValue: "", secretRef: "example" }, "local"),
    ).toBeNull();
    expect(upstreamProblem(remote, "mcp-keys")).toBe(
      "Give the secret's name as it is set on the server.",
    );
    expect(upstreamProblem({ ...remote, secretRef: "example" }, "mcp-keys")).toBeNull();
    expect(upstreamProblem(remote, "local")).toBeNull();
  });
});
