import { Spinner } from "../components/Spinner";
import "./AppStatus.css";

type AppLoadingProps = {
  text?: string;
  "data-testid"?: string;
};

/** Shown while the app asks its Rust side for what it needs; usually for a blink. */
export function AppLoading({
  text = "Starting MCP Keys…",
  "data-testid": testId = "app-loading",
}: AppLoadingProps) {
  return (
    <div className="app-status" role="status" data-testid={testId}>
      <Spinner />
      <p className="app-status__text">{text}</p>
    </div>
  );
}
