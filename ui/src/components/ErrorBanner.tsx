import { explainError, type ErrorContext } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import { Button } from "./Button";
import { Icon } from "./Icon";
import "./ErrorBanner.css";

type ErrorBannerProps = {
  error: IpcError;
  context?: ErrorContext | undefined;
  /** Offers "Try again" when given. */
  onRetry?: (() => void) | undefined;
  "data-testid"?: string;
};

/** A failed command in words people understand, with the command's own detail below. */
export function ErrorBanner({
  error,
  context,
  onRetry,
  "data-testid": testId = "error-banner",
}: ErrorBannerProps) {
  const { summary, detail } = explainError(error, context);
  return (
    <div className="error-banner" role="alert" data-testid={testId} data-code={error.code}>
      <Icon name="alert" />
      <div className="error-banner__text">
        <p className="error-banner__summary">{summary}</p>
        {detail && <p className="error-banner__detail">{detail}</p>}
      </div>
      {onRetry && (
        <Button size="sm" icon="retry" onClick={onRetry} data-testid="error-retry">
          Try again
        </Button>
      )}
    </div>
  );
}
