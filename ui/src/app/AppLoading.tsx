import { Spinner } from "../components/Spinner";
import "./AppStatus.css";

/** Shown while the app asks its Rust side who it is; usually for a blink. */
export function AppLoading() {
  return (
    <div className="app-status" role="status" data-testid="app-loading">
      <Spinner />
      <p className="app-status__text">Starting MCP Keys…</p>
    </div>
  );
}
