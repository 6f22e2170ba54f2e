import type { Finding } from "../bindings/Finding";
import { Button } from "../components/Button";
import { ErrorBanner } from "../components/ErrorBanner";
import type { IpcError } from "../bindings/IpcError";
import { useClientName } from "./clients";
import { SeverityBadge } from "./ScanBadges";

/** The one finding the app can fix by itself: a plaintext key in a config git would pick up. */
export function canFix(finding: Finding): finding is Finding & { configPath: string } {
  return finding.code === "plaintext_key_not_gitignored" && finding.configPath !== null;
}

/** A fix in progress or failed, by the finding's number. */
export type FixState = { index: number; error: IpcError | null } | null;

type FindingListProps = {
  findings: readonly Finding[];
  /** `ide-finding-<code>`, or `ide-problem-<n>` for files that could not be read. */
  testId: (finding: Finding, index: number) => string;
  fix?: FixState | undefined;
  onFix?: ((finding: Finding & { configPath: string }, index: number) => void) | undefined;
};

/** Findings, most severe first as Rust sorts them: what is wrong and what to do about it. */
export function FindingList({ findings, testId, fix = null, onFix }: FindingListProps) {
  const clientName = useClientName();
  return (
    <ul className="ide-findings">
      {findings.map((finding, index) => {
        const fixing = fix?.index === index && fix.error === null;
        return (
          <li
            key={`${finding.code}:${finding.configPath ?? ""}:${finding.keyPrefix ?? ""}:${index}`}
            className="ide-finding"
            data-testid={testId(finding, index)}
            data-severity={finding.severity}
          >
            <div className="ide-finding__head">
              <SeverityBadge severity={finding.severity} />
              <p className="ide-finding__message">{finding.message}</p>
              {onFix && canFix(finding) && (
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={fix !== null && fix.error === null}
                  aria-label={`Fix: add ${finding.configPath} to .gitignore`}
                  data-testid={`ide-fix-${index}`}
                  onClick={() => onFix(finding, index)}
                >
                  {fixing ? "Fixing…" : "Fix"}
                </Button>
              )}
            </div>
            {(finding.client || finding.configPath || finding.keyPrefix) && (
              <p className="ide-finding__where">
                {finding.client && <span>{clientName(finding.client)}</span>}
                {finding.configPath && (
                  <code className="ide-finding__path" title={finding.configPath}>
                    {finding.configPath}
                  </code>
                )}
                {finding.keyPrefix && <code>{finding.keyPrefix}</code>}
              </p>
            )}
            <p className="ide-finding__fix">
              <span className="ide-finding__fix-label">Fix: </span>
              {finding.fix}
            </p>
            {fix?.index === index && fix.error && <ErrorBanner error={fix.error} />}
          </li>
        );
      })}
    </ul>
  );
}
