import type { IpcError } from "../bindings/IpcError";
import { Button } from "../components/Button";
import { Icon } from "../components/Icon";
import "./AppStatus.css";

type AppErrorProps = {
  error: IpcError;
  onRetry: () => void;
};

/** Shown when the app could not start talking to its Rust side: the reason, and a retry. */
export function AppError({ error, onRetry }: AppErrorProps) {
  return (
    <div className="app-status" role="alert" data-testid="app-error">
      <span className="app-status__icon">
        <Icon name="alert" size="xl" />
      </span>
      <h1 className="app-status__title">MCP Keys couldn't start</h1>
      <p className="app-status__text" data-testid="app-error-message">
        {error.message}
      </p>
      <Button icon="retry" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
