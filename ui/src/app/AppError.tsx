import { Button } from "../components/Button";
import { Icon } from "../components/Icon";
import { explainError } from "../lib/ipc/ipcError";
import type { IpcError } from "../bindings/IpcError";
import "./AppStatus.css";

type AppErrorProps = {
  error: IpcError;
  onRetry: () => void;
  title?: string;
};

/** Shown when the app could not start or load: the reason in words, and a retry. */
export function AppError({ error, onRetry, title = "MCP Keys couldn't start" }: AppErrorProps) {
  const { summary, detail } = explainError(error, { server: "the local key service" });
  return (
    <div className="app-status" role="alert" data-testid="app-error" data-code={error.code}>
      <span className="app-status__icon">
        <Icon name="alert" size="xl" />
      </span>
      <h1 className="app-status__title">{title}</h1>
      <p className="app-status__text" data-testid="app-error-message">
        {summary}
      </p>
      {detail && <p className="app-status__detail">{detail}</p>}
      <Button icon="retry" onClick={onRetry} data-testid="app-error-retry">
        Try again
      </Button>
    </div>
  );
}
