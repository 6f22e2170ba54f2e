import type { Settings } from "../bindings/Settings";

/** The settings out of the box, as `settings_get` answers on a first run. */
export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    clipboardClearSeconds: 45,
    productionRotationDays: 90,
    developmentRotationDays: 180,
    ...overrides,
  };
}
