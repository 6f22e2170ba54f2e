import { describe, expect, it } from "vitest";
import { finding, ideDoctor, logFinding, logSource } from "../test/fixtures";
import {
  findingFor,
  isLogFinding,
  logsByClient,
  logWorthACard,
  type LogFinding,
} from "./clientLogs";

describe("logsByClient", () => {
  it("merges a client's log sources and keeps only its log findings", () => {
    const logs = logsByClient(
      ideDoctor(
        [logFinding(), finding()],
        [
          logSource(),
          logSource({
            files: ["/home/ada/second.jsonl"],
            unreadable: [{ path: "/home/ada/third.jsonl", message: "permission denied" }],
            measured: false,
          }),
        ],
      ),
    );

    const claude = logs.get("claude-code");
    expect(claude?.findings).toHaveLength(1);
    expect(claude?.source?.files).toHaveLength(2);
    expect(claude?.source?.unreadable).toHaveLength(1);
    expect(claude?.source?.measured).toBe(false);
    expect(logs.has("cursor")).toBe(false);
  });

  it("gives a card to a client whose logs say something, not to one that writes none", () => {
    const logs = logsByClient(
      ideDoctor([], [logSource({ client: "gemini-cli", files: [], noLog: "writes no log file" })]),
    );

    const gemini = logs.get("gemini-cli");
    expect(gemini && logWorthACard(gemini)).toBe(false);
  });
});

describe("findingFor", () => {
  const older = logFinding({ at: "2026-12-06T09:00:00Z" }) as LogFinding;
  const newer = logFinding() as LogFinding;
  const otherKey = logFinding({ keyId: "key_8" }) as LogFinding;

  it("picks the failure of the notification's client, key and moment", () => {
    const target = {
      client: "claude-code" as const,
      keyId: "key_9",
      keyPrefix: null,
      at: "2026-12-06T10:32:00Z",
    };

    expect(findingFor([otherKey, older, newer], target)).toBe(newer);
    // The moment since read again differently: the same key's failure still is.
    expect(findingFor([otherKey, older], target)).toBe(older);
    expect(findingFor([otherKey], target)).toBeUndefined();
  });

  it("matches by the key's prefix when no service knows the key", () => {
    const { keyId: _unknownToServices, ...unknown } = logFinding() as LogFinding;
    const target = {
      client: "claude-code" as const,
      keyId: null,
      keyPrefix: "mcp_dev_Rev0ked1",
      at: null,
    };

    expect(findingFor([unknown], target)).toBe(unknown);
    expect(isLogFinding(finding())).toBe(false);
  });
});
