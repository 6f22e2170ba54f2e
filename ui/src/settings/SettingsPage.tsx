import { useId } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { Spinner } from "../components/Spinner";
import { getSettings } from "../lib/ipc/settings";
import { useLoad } from "../lib/useLoad";
import type { AppInfo } from "../bindings/AppInfo";
import { AboutSetting } from "./AboutSetting";
import { AuditLogSetting } from "./AuditLogSetting";
import { AutostartSetting } from "./AutostartSetting";
import { SettingsForm } from "./SettingsForm";
import "./SettingsPage.css";

/**
 * The app's settings: how long a copied key stays on the clipboard, the
 * default rotation periods, starting at login, the history of what was
 * done from this computer, and which version and build this is.
 */
/** `appInfo`: the version and build, for About. */
export function SettingsPage({ appInfo }: { appInfo: AppInfo }) {
  const titleId = useId();
  const settings = useLoad(getSettings, "settings");
  const { state } = settings;
  return (
    <section className="settings-page" aria-labelledby={titleId} data-testid="settings-page">
      <header className="settings-page__header">
        <h1 id={titleId} className="settings-page__title">
          Settings
        </h1>
        <p className="settings-page__description">
          These apply to every connection on this computer.
        </p>
      </header>
      {state.status === "loading" && (
        <div className="settings-page__status" role="status" data-testid="settings-loading">
          <Spinner />
          Loading settings…
        </div>
      )}
      {state.status === "error" && <ErrorBanner error={state.error} onRetry={settings.retry} />}
      {state.status === "ready" && (
        <SettingsForm settings={state.data} onSaved={(saved) => settings.update(() => saved)} />
      )}
      <AutostartSetting />
      <AuditLogSetting />
      <AboutSetting appInfo={appInfo} />
    </section>
  );
}
