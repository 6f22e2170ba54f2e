import type { AppInfo } from "../bindings/AppInfo";
import { PanelHeader } from "../components/PanelHeader";

/** Which MCP Keys this is: its version, its build (commit and date) and its own key service. */
export function AboutSetting({ appInfo }: { appInfo: AppInfo }) {
  return (
    <section className="settings-section" data-testid="settings-about">
      <PanelHeader title={`About ${appInfo.name}`} />
      <dl className="about-list">
        <dt>Version</dt>
        <dd data-testid="about-version">{appInfo.version}</dd>
        <dt>Build</dt>
        <dd data-testid="about-build">
          <code>{appInfo.build}</code>
        </dd>
        <dt>Key service on this computer</dt>
        <dd>
          <code>{appInfo.localServiceUrl}</code>
        </dd>
      </dl>
    </section>
  );
}
